package dev.signet.ca.lint;

import java.util.Optional;

/** Conforming CAs MUST NOT use serial numbers longer than 20 octets. */
final class SerialLength extends BaseRule {
    SerialLength() {
        super("serial-length", "RFC 5280 4.1.2.2");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        int octets = t.tbs().getSerialNumber().getValue().toByteArray().length;
        return octets <= 20 ? ok() : fail("serial number is " + octets + " octets, at most 20 allowed");
    }
}
