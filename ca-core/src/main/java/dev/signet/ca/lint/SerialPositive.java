package dev.signet.ca.lint;

import java.util.Optional;

/** The serial number MUST be a positive integer. */
final class SerialPositive extends BaseRule {
    SerialPositive() {
        super("serial-positive", "RFC 5280 4.1.2.2");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        return t.tbs().getSerialNumber().getValue().signum() > 0 ? ok() : fail("serial number is not positive");
    }
}
