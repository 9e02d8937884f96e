package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.NameConstraints;

/** nameConstraints MUST be used only in a CA certificate, MUST be critical and MUST NOT be empty. */
final class NameConstraintsOnlyOnCa extends BaseRule {
    NameConstraintsOnlyOnCa() {
        super("name-constraints-only-on-ca", "RFC 5280 4.2.1.10");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.nameConstraints);
        if (e == null) {
            return ok();
        }
        if (!t.isCa()) {
            return fail("nameConstraints in a certificate that is not a CA");
        }
        if (!e.isCritical()) {
            return fail("nameConstraints must be critical");
        }
        NameConstraints nc = NameConstraints.getInstance(e.getParsedValue());
        boolean empty = (nc.getPermittedSubtrees() == null || nc.getPermittedSubtrees().length == 0)
                && (nc.getExcludedSubtrees() == null || nc.getExcludedSubtrees().length == 0);
        return empty ? fail("nameConstraints is empty") : ok();
    }
}
