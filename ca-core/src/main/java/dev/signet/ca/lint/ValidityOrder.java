package dev.signet.ca.lint;

import java.util.Optional;

/** The validity period is the interval from notBefore to notAfter: notBefore must come first. */
final class ValidityOrder extends BaseRule {
    ValidityOrder() {
        super("validity-order", "RFC 5280 4.1.2.5");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        var from = t.tbs().getStartDate().getDate();
        var to = t.tbs().getEndDate().getDate();
        return from.before(to) ? ok() : fail("notBefore " + from.toInstant() + " is not before notAfter " + to.toInstant());
    }
}
