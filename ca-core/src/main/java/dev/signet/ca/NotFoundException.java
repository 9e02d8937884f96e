package dev.signet.ca;

/** The record a change refers to does not exist (an unknown CA, serial, token or user). */
public final class NotFoundException extends StoreException {

    public NotFoundException(String what, String key) {
        super("no " + what + " '" + key + "'");
    }
}
