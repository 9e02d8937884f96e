package dev.signet.ca.store;

/**
 * The CA may not sign because its own certificate is revoked (it was retired in the revoke's
 * transaction): a requester learns why, not only that it is retired.
 */
public final class CaRevokedException extends CaNotActiveException {

    public CaRevokedException(String caId) {
        super(caId, CaRecord.RETIRED, "CA '" + caId + "' signs nothing: its own certificate is revoked");
    }
}
