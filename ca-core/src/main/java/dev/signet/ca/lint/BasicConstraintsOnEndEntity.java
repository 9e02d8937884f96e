package dev.signet.ca.lint;

import java.util.Optional;

/** An end-entity certificate has no basicConstraints, or one with cA false. */
final class BasicConstraintsOnEndEntity extends BaseRule {
    BasicConstraintsOnEndEntity() {
        super("basic-constraints-end-entity", "RFC 5280 4.2.1.9");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        return !t.intendedCa() && t.isCa() ? fail("end-entity certificate asserts cA") : ok();
    }
}
