package dev.signet.ca.lint;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;

/**
 * AKI MUST be present (self-signed certificates excepted), non-critical, with a keyIdentifier
 * equal to the issuer's subject key identifier.
 */
final class AuthorityKeyIdentifierMatches extends BaseRule {
    AuthorityKeyIdentifierMatches() {
        super("authority-key-identifier", "RFC 5280 4.2.1.1");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.authorityKeyIdentifier);
        if (e == null) {
            return t.issuerContext().isSelfSigned() ? ok() : fail("authorityKeyIdentifier missing");
        }
        if (e.isCritical()) {
            return fail("authorityKeyIdentifier must not be critical");
        }
        AuthorityKeyIdentifier aki = t.authorityKeyId();
        byte[] issuerSki = t.issuerKeyId();
        if (aki.getKeyIdentifierObject() == null) {
            return fail("authorityKeyIdentifier has no keyIdentifier");
        }
        if (issuerSki == null || !Arrays.equals(aki.getKeyIdentifierObject().getOctets(), issuerSki)) {
            return fail("authorityKeyIdentifier does not match the issuer's subjectKeyIdentifier");
        }
        return ok();
    }
}
