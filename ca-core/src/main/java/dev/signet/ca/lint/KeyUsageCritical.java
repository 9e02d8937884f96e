package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/** keyUsage MUST be present in CA certificates and SHOULD be critical: Signet puts it, critical, in all. */
final class KeyUsageCritical extends BaseRule {
    KeyUsageCritical() {
        super("key-usage-critical", "RFC 5280 4.2.1.3");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.keyUsage);
        if (e == null) {
            return fail("keyUsage missing");
        }
        return e.isCritical() ? ok() : fail("keyUsage must be critical");
    }
}
