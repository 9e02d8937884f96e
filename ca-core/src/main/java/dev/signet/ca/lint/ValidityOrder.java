package dev.signet.ca.lint;

import java.util.Optional;

/** The validity period is the interval from notBefore to notAfter: notBefore must come first. */
final class ValidityOrder extends BaseRule {
    ValidityOrder() {
        super("validity-order", "RFC 5280 4.1.2.5");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        var from = t.notBefore();
        var to = t.notAfter();
        return from.isBefore(to) ? ok() : fail("notBefore " + from + " is not before notAfter " + to);
    }
}
