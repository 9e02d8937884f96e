package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** A TSA certificate MUST have id-kp-timeStamping as its only purpose, in a critical extension. */
final class TimeStampingEku extends BaseRule {
    TimeStampingEku() {
        super("time-stamping-eku", "RFC 3161 2.3");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.extendedKeyUsage);
        if (e == null) {
            return ok();
        }
        KeyPurposeId[] usages = ExtendedKeyUsage.getInstance(e.getParsedValue()).getUsages();
        boolean tsa = false;
        for (KeyPurposeId p : usages) {
            tsa |= p.equals(KeyPurposeId.id_kp_timeStamping);
        }
        if (!tsa) {
            return ok();
        }
        if (usages.length != 1) {
            return fail("timeStamping must be the only purpose");
        }
        return e.isCritical() ? ok() : fail("extendedKeyUsage with timeStamping must be critical");
    }
}
