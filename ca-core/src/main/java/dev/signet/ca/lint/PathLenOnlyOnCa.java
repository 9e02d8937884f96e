package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;

/** pathLenConstraint MUST NOT be present unless cA is true and keyUsage asserts keyCertSign. */
final class PathLenOnlyOnCa extends BaseRule {
    PathLenOnlyOnCa() {
        super("path-len-only-on-ca", "RFC 5280 4.2.1.9");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        BasicConstraints bc = t.basicConstraints();
        if (bc == null || bc.getPathLenConstraint() == null) {
            return ok();
        }
        KeyUsage ku = t.keyUsage();
        if (!bc.isCA() || ku == null || !ku.hasUsages(KeyUsage.keyCertSign)) {
            return fail("pathLenConstraint without cA and keyCertSign");
        }
        return ok();
    }
}
