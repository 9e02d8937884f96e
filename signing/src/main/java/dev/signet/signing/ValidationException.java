package dev.signet.signing;

/** A policy file or a trust anchor that cannot be used; the message names what is wrong. */
public final class ValidationException extends RuntimeException {
    public ValidationException(String message) {
        super(message);
    }

    public ValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
