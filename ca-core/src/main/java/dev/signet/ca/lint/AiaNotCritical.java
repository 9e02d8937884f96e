package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/** authorityInfoAccess MUST be non-critical. */
final class AiaNotCritical extends BaseRule {
    AiaNotCritical() {
        super("aia-not-critical", "RFC 5280 4.2.2.1");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.authorityInfoAccess);
        return e != null && e.isCritical() ? fail("authorityInfoAccess is critical") : ok();
    }
}
