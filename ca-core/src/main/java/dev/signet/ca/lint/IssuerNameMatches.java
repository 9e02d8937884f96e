package dev.signet.ca.lint;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;

/**
 * The issuer field is the issuer's subject, byte for byte: path building chains names (RFC 5280
 * 4.1.2.4, 6.1.3 (a)(4)), and some validators compare encodings.
 */
final class IssuerNameMatches extends BaseRule {
    IssuerNameMatches() {
        super("issuer-name-matches", "RFC 5280 4.1.2.4");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        try {
            byte[] a = t.tbs().getIssuer().getEncoded(ASN1Encoding.DER);
            byte[] b = t.issuerSubject().getEncoded(ASN1Encoding.DER);
            return Arrays.equals(a, b) ? ok()
                    : fail("issuer '" + t.tbs().getIssuer() + "' is not the issuer's subject '" + t.issuerSubject() + "'");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
