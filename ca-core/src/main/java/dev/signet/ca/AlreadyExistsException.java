package dev.signet.ca;

/** A record with that key exists already (a CA id, a user name, a token). */
public final class AlreadyExistsException extends StoreException {

    public AlreadyExistsException(String what, String key) {
        super(what + " '" + key + "' exists already");
    }
}
