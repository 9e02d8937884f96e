package dev.signet.ca;

/** A revoke of a certificate that is already revoked, or a release of one that is not on hold. */
public final class RevocationConflictException extends StoreException {

    public RevocationConflictException(String message) {
        super(message);
    }
}
