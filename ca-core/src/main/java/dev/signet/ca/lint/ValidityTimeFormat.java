package dev.signet.ca.lint;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

/**
 * UTCTime MUST be YYMMDDHHMMSSZ and GeneralizedTime YYYYMMDDHHMMSSZ: Zulu, seconds present,
 * no fractional seconds (4.1.2.5.1 and 4.1.2.5.2).
 */
final class ValidityTimeFormat extends BaseRule {
    ValidityTimeFormat() {
        super("validity-time-format", "RFC 5280 4.1.2.5.1-2");
    }

    private static final Pattern UTC_TIME = Pattern.compile("[0-9]{12}Z");
    private static final Pattern GENERALIZED_TIME = Pattern.compile("[0-9]{14}Z");

    @Override
    public Optional<String> check(LintTarget t) {
        String a = problem("notBefore", t.tbs().getStartDate());
        String b = problem("notAfter", t.tbs().getEndDate());
        return a != null ? fail(a) : b != null ? fail(b) : ok();
    }

    private static String problem(String field, Time time) {
        ASN1Primitive p = time.toASN1Primitive();
        String text = contents(p);
        Pattern pattern = p instanceof ASN1UTCTime ? UTC_TIME : GENERALIZED_TIME;
        return pattern.matcher(text).matches() ? null : field + " is encoded as '" + text + "', expected " + pattern;
    }

    /** The characters as encoded, not as BC would normalise them. */
    private static String contents(ASN1Primitive p) {
        try {
            byte[] der = p.getEncoded();
            int len = der[1] & 0xff; // times are short: one length octet
            return new String(der, 2, len, StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
