package dev.signet.ca;

/**
 * The database could not be reached (down, restarting, network gone), and the same request may
 * succeed once it is back. A 503 at the edge, not a 500. Nothing was stored, unless
 * {@link #maybeStored()}: the connection was lost while the commit itself was under way, so the
 * database may have committed the write without being able to say so.
 */
public final class DatabaseUnavailableException extends StoreException {

    private final boolean maybeStored;

    public DatabaseUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public DatabaseUnavailableException(String message, Throwable cause, boolean maybeStored) {
        super(message, cause);
        this.maybeStored = maybeStored;
    }

    /** Whether the write may have been stored although it failed (the commit got no answer). */
    public boolean maybeStored() {
        return maybeStored;
    }

    /**
     * Whether {@code failure} (or a cause of it) is a write that may have been stored. Code that made
     * something outside the database for the write (a key in the HSM) must then keep it: destroying
     * it could leave a stored record that names a key which is gone.
     */
    public static boolean maybeStored(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatabaseUnavailableException d && d.maybeStored) {
                return true;
            }
        }
        return false;
    }
}
