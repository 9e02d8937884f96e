package dev.signet.ca.lint;

import java.util.Optional;

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
        IssuerContext issuer = t.issuerContext();
        if (issuer.isSelfSigned()) {
            return ok();
        }
        if (t.notAfter().isAfter(issuer.issuerNotAfter())) {
            return fail("notAfter " + t.notAfter() + " is after the issuer's " + issuer.issuerNotAfter());
        }
        if (t.notBefore().isBefore(issuer.issuerNotBefore())) {
            return fail("notBefore is before the issuer's notBefore");
        }
        return ok();
    }
}
