package dev.signet.ca.lint;

import java.util.Optional;

/**
 * One check of a to-be-signed certificate, run before any signature. Each rule is one class that
 * cites the text it enforces, so that a refusal can be traced to its reason.
 */
public interface LintRule {

    /** A stable name, e.g. {@code serial-positive}: what errors and tests refer to. */
    String name();

    /** Where the rule comes from, e.g. {@code RFC 5280 4.1.2.2}. */
    String source();

    /** Empty if the certificate passes, otherwise what is wrong. */
    Optional<String> check(LintTarget target);

    /**
     * Whether the rule needs the parsed TBSCertificate; rules over the raw structure say false and
     * still run when it does not parse.
     */
    default boolean needsParsedTbs() {
        return true;
    }
}
