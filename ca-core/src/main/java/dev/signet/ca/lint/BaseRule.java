package dev.signet.ca.lint;

import java.util.Optional;

/** Holds a rule's name and source, so that each rule class is only its check. */
abstract class BaseRule implements LintRule {

    private final String name;
    private final String source;

    BaseRule(String name, String source) {
        this.name = name;
        this.source = source;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String source() {
        return source;
    }

    static Optional<String> ok() {
        return Optional.empty();
    }

    static Optional<String> fail(String detail) {
        return Optional.of(detail);
    }
}
