package dev.signet.ca.store;

import dev.signet.ca.StoreException;

/**
 * The CA may not sign: it is not active (retired, or waiting for its certificate). Checked by the
 * statement that reserves a serial, so a certificate prepared before a retire is never signed.
 */
public class CaNotActiveException extends StoreException {

    private final String caId;
    private final String status;

    public CaNotActiveException(String caId, String status) {
        this(caId, status, "CA '" + caId + "' is " + status + " and signs nothing: the serial was not reserved and nothing was signed");
    }

    protected CaNotActiveException(String caId, String status, String message) {
        super(message);
        this.caId = caId;
        this.status = status;
    }

    public String caId() {
        return caId;
    }

    public String status() {
        return status;
    }
}
