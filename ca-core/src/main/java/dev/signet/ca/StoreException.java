package dev.signet.ca;

/**
 * A store operation failed. Whatever failed was rolled back: the store never leaves a half-written
 * record. Subtypes name the failures a caller may want to handle.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
