package dev.signet.signing;

/**
 * A document Signet will not or cannot sign, with a kind the web layer maps to a status and a
 * message written for the caller (no internals, no secrets).
 */
public final class SigningException extends RuntimeException {

    public enum Kind {
        /** The input is not a PDF at all. */
        NOT_A_PDF,
        /** A PDF that cannot be parsed strictly (damaged, broken cross-reference table). */
        DAMAGED_PDF,
        /** A PDF Signet refuses by design (XFA forms). */
        UNSUPPORTED_PDF,
        /** The PDF is encrypted and no password was given. */
        PASSWORD_REQUIRED,
        /** The password given does not open the PDF. */
        WRONG_PASSWORD,
        /** The document's existing certification signature forbids another change. */
        NOT_PERMITTED,
        /** An option that does not fit (bad rectangle, page out of range, image not PNG/JPEG ...). */
        BAD_OPTION,
        /** The level needs a time-stamp and no TSA answered (or none is configured). */
        TIMESTAMP_UNAVAILABLE,
        /** The level needs revocation data that could not be had for some certificate of a chain. */
        REVOCATION_UNAVAILABLE
    }

    private final Kind kind;

    public SigningException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SigningException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
