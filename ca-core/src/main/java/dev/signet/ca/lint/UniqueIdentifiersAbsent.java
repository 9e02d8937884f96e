package dev.signet.ca.lint;

import java.util.Optional;

/** Conforming CAs MUST NOT generate certificates with issuer or subject unique identifiers. */
final class UniqueIdentifiersAbsent extends BaseRule {
    UniqueIdentifiersAbsent() {
        super("unique-identifiers-absent", "RFC 5280 4.1.2.8");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        if (t.tbs().getIssuerUniqueId() != null || t.tbs().getSubjectUniqueId() != null) {
            return fail("issuerUniqueID or subjectUniqueID present");
        }
        return ok();
    }
}
