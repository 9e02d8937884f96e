package dev.signet.ca.store;

/**
 * A TSA is no longer in the state a change was prepared against: another admin or node re-keyed or
 * retired it meanwhile. Nothing was written.
 */
public final class TsaChangedException extends StoreException {

    public TsaChangedException(String message) {
        super(message);
    }
}
