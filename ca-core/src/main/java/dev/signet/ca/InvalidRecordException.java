package dev.signet.ca;

/** The caller passed a record the store refuses (a missing field, a malformed serial, bad JSON). Nothing was written. */
public final class InvalidRecordException extends StoreException {

    public InvalidRecordException(String message) {
        super(message);
    }
}
