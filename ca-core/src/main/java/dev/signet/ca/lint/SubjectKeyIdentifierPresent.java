package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;

/**
 * SKI MUST appear in CA certificates and SHOULD in end-entity ones: Signet puts it in all, as
 * path building and AKI matching need it. It MUST be non-critical.
 */
final class SubjectKeyIdentifierPresent extends BaseRule {
    SubjectKeyIdentifierPresent() {
        super("subject-key-identifier", "RFC 5280 4.2.1.2");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.subjectKeyIdentifier);
        if (e == null) {
            return fail("subjectKeyIdentifier missing");
        }
        if (e.isCritical()) {
            return fail("subjectKeyIdentifier must not be critical");
        }
        return t.subjectKeyId().length > 0 ? ok() : fail("subjectKeyIdentifier is empty");
    }
}
