package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/** With an empty subject, subjectAltName MUST be present and MUST be critical. */
final class SanWhenSubjectEmpty extends BaseRule {
    SanWhenSubjectEmpty() {
        super("san-when-subject-empty", "RFC 5280 4.2.1.6");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        if (t.tbs().getSubject().getRDNs().length > 0) {
            return ok();
        }
        Extension san = t.extension(Extension.subjectAlternativeName);
        if (san == null) {
            return fail("empty subject and no subjectAltName");
        }
        return san.isCritical() ? ok() : fail("subjectAltName must be critical when the subject is empty");
    }
}
