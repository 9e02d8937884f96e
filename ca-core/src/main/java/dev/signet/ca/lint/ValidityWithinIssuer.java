package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * The certificate's validity lies within its issuer's: a path validates only while every
 * certificate in it is valid, so any time outside the issuer's period is a promise the chain cannot keep.
 */
final class ValidityWithinIssuer extends BaseRule {
    ValidityWithinIssuer() {
        super("validity-within-issuer", "RFC 5280 6.1.3 (a)(2)");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Certificate issuer = t.issuerCertificate();
        if (issuer == null) {
            return ok();
        }
        if (t.tbs().getEndDate().getDate().after(issuer.getEndDate().getDate())) {
            return fail("notAfter " + t.tbs().getEndDate().getDate().toInstant() + " is after the issuer's "
                    + issuer.getEndDate().getDate().toInstant());
        }
        if (t.tbs().getStartDate().getDate().before(issuer.getStartDate().getDate())) {
            return fail("notBefore is before the issuer's notBefore");
        }
        return ok();
    }
}
