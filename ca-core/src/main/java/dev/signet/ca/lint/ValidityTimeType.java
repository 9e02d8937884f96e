package dev.signet.ca.lint;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;

/** Dates through 2049 MUST be UTCTime; dates in 2050 or later MUST be GeneralizedTime. */
final class ValidityTimeType extends BaseRule {
    ValidityTimeType() {
        super("validity-time-type", "RFC 5280 4.1.2.5");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        String a = problem("notBefore", t.tbs().getStartDate(), t.notBefore());
        String b = problem("notAfter", t.tbs().getEndDate(), t.notAfter());
        return a != null ? fail(a) : b != null ? fail(b) : ok();
    }

    private static String problem(String field, Time time, Instant at) {
        ASN1Primitive p = time.toASN1Primitive();
        int year = at.atZone(ZoneOffset.UTC).getYear();
        if (year <= 2049 && !(p instanceof ASN1UTCTime)) {
            return field + " in " + year + " must be UTCTime";
        }
        if (year >= 2050 && !(p instanceof ASN1GeneralizedTime)) {
            return field + " in " + year + " must be GeneralizedTime";
        }
        return null;
    }
}
