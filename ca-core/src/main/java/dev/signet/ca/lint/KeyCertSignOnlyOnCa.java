package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * keyCertSign and cA go together: keyCertSign asserted needs cA true (4.2.1.9), and cA true
 * needs keyCertSign (4.2.1.3).
 */
final class KeyCertSignOnlyOnCa extends BaseRule {
    KeyCertSignOnlyOnCa() {
        super("key-cert-sign-only-on-ca", "RFC 5280 4.2.1.3, 4.2.1.9");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        KeyUsage ku = t.keyUsage();
        boolean certSign = ku != null && ku.hasUsages(KeyUsage.keyCertSign);
        if (certSign && !t.isCa()) {
            return fail("keyCertSign asserted on a certificate that is not a CA");
        }
        if (!certSign && t.isCa()) {
            return fail("CA certificate without keyCertSign");
        }
        return ok();
    }
}
