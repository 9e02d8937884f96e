package dev.signet.ca.issue;

import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.hsm.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a key generated in the HSM for a record (a CA, a TSA, a responder, a signer
 * identity) whose making failed: it is destroyed, since nothing can use it and a retry generates
 * another; left behind, every failed attempt would add a key to the HSM. Except when the write that
 * names the key may have been stored all the same (the commit got no answer,
 * {@link DatabaseUnavailableException#maybeStored()}): destroying it then could leave a stored CA or
 * TSA whose key is gone, which is far worse than one key too many, so it is kept and logged.
 */
public final class GeneratedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedKeys.class);

    private GeneratedKeys() {
    }

    /** After {@code failure}: destroys the key {@code label} of {@code keys}, unless its record may be stored. */
    public static void discardAfter(Throwable failure, SigningKeys keys, String label) {
        if (DatabaseUnavailableException.maybeStored(failure)) {
            LOG.warn("the HSM key {} is kept: the write that names it got no answer and may have been stored; "
                    + "if nothing uses it once the database is back, destroy it", label);
            return;
        }
        try {
            keys.destroy(label);
        } catch (RuntimeException e) {
            // The failure that made us destroy it is the one to report; the key shows in the HSM's key list.
            LOG.warn("the HSM key {} of a failed operation could not be destroyed and stays: {}", label, e.toString());
        }
    }
}
