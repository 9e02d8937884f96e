package dev.signet.ca;

/**
 * The database could not be reached (down, restarting, network gone): nothing was stored, and the
 * same request may succeed once it is back. A 503 at the edge, not a 500.
 */
public final class DatabaseUnavailableException extends StoreException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
