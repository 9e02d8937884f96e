package dev.signet.ca.lint;

import java.util.List;

/** A to-be-signed certificate failed lint: nothing was signed. Carries every violation found. */
public final class LintException extends RuntimeException {

    private final List<Violation> violations;

    public LintException(List<Violation> violations) {
        super("certificate refused by lint: " + violations);
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a lint failure needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }

    /** The name of the first rule broken. */
    public String rule() {
        return violations.get(0).rule();
    }
}
