package dev.signet.ca;

/**
 * A profile file that cannot be used. Says which file, which field (a JSON path such as
 * {@code subjectAltNames.dns[1]}) and why, so an operator can fix it without reading code.
 */
public final class ProfileException extends RuntimeException {

    private final String source;
    private final String field;
    private final String reason;

    public ProfileException(String source, String field, String reason) {
        super(source + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
        this.source = source;
        this.field = field;
        this.reason = reason;
    }

    /** The file (or built-in resource) the profile came from. */
    public String source() {
        return source;
    }

    /** The JSON path of the offending field; empty when the problem is the whole file. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
