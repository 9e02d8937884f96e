package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/** A CA certificate MUST carry basicConstraints, marked critical, with cA true. */
final class BasicConstraintsOnCa extends BaseRule {
    BasicConstraintsOnCa() {
        super("basic-constraints-ca", "RFC 5280 4.2.1.9");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        if (!t.intendedCa()) {
            return ok();
        }
        Extension e = t.extension(Extension.basicConstraints);
        if (e == null) {
            return fail("CA certificate without basicConstraints");
        }
        if (!e.isCritical()) {
            return fail("basicConstraints must be critical in a CA certificate");
        }
        return t.isCa() ? ok() : fail("CA certificate with cA false");
    }
}
