package dev.signet.ca.store;

import dev.signet.ca.StoreException;

/** The CA has already used this serial number (reserved or issued); serials are unique per CA. */
public final class DuplicateSerialException extends StoreException {

    private final String caId;
    private final String serialHex;

    public DuplicateSerialException(String caId, String serialHex) {
        super("CA '" + caId + "' has already used serial " + serialHex);
        this.caId = caId;
        this.serialHex = serialHex;
    }

    public String caId() {
        return caId;
    }

    public String serialHex() {
        return serialHex;
    }
}
