package dev.signet.ca.lint;

/** A rule a to-be-signed certificate breaks, with the rule's source and what is wrong. */
public record Violation(String rule, String source, String detail) {

    @Override
    public String toString() {
        return rule + " (" + source + "): " + detail;
    }
}
