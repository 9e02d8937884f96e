package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;

/** When keyUsage appears, at least one of its bits MUST be set. */
final class KeyUsageNotEmpty extends BaseRule {
    KeyUsageNotEmpty() {
        super("key-usage-not-empty", "RFC 5280 4.2.1.3");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        KeyUsage ku = t.keyUsage();
        if (ku == null) {
            return ok();
        }
        return ku.getBytes().length == 0 || allZero(ku.getBytes()) ? fail("keyUsage asserts no bit") : ok();
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
