package dev.signet.ca.lint;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * A CA's pathLenConstraint bounds the number of non-self-issued intermediate CA certificates that
 * may follow it: issuing a CA certificate under a CA whose limit is used up makes a chain no
 * validator accepts. Checked against every CA in the issuing chain.
 */
final class PathLengthRespected extends BaseRule {
    PathLengthRespected() {
        super("path-length-respected", "RFC 5280 4.2.1.9, 6.1.4 (l), (m)");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        List<Certificate> chain = t.issuerContext().chain();
        // Intermediate CA certificates below chain.get(i): those before it in the chain that are
        // not self-issued, plus the new certificate if it is a CA.
        int below = t.isCa() && !t.tbs().getIssuer().equals(t.tbs().getSubject()) ? 1 : 0;
        for (int i = 0; i < chain.size(); i++) {
            Certificate ca = chain.get(i);
            Extensions exts = ca.getTBSCertificate().getExtensions();
            BasicConstraints bc = exts == null ? null : BasicConstraints.fromExtensions(exts);
            if (bc != null && bc.getPathLenConstraint() != null
                    && bc.getPathLenConstraint().compareTo(BigInteger.valueOf(below)) < 0) {
                return fail("'" + ca.getSubject() + "' allows " + bc.getPathLenConstraint()
                        + " intermediate CA(s) below it, this chain would have " + below);
            }
            if (!ca.getIssuer().equals(ca.getSubject())) {
                below++;
            }
        }
        return ok();
    }
}
