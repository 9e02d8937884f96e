package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.lint.LintException;
import dev.signet.ca.store.AlreadyExistsException;
import dev.signet.ca.store.CaNotActiveException;
import dev.signet.ca.store.CaRevokedException;
import dev.signet.ca.store.DuplicateSerialException;
import dev.signet.ca.store.InvalidRecordException;
import dev.signet.ca.store.NotFoundException;
import dev.signet.ca.store.StoreException;
import dev.signet.hsm.HsmException;

/** Turns the store's, the HSM's and lint's exceptions into {@link CaException}s, in one place. */
public final class Failures {

    private Failures() {
    }

    public static CaException of(StoreException e) {
        if (e instanceof NotFoundException) {
            return new CaException(CaException.Kind.NOT_FOUND, "not-found", e.getMessage(), e);
        }
        if (e instanceof CaRevokedException) {
            return new CaException(CaException.Kind.CONFLICT, "ca-revoked", e.getMessage(), e);
        }
        if (e instanceof CaNotActiveException) {
            return new CaException(CaException.Kind.CONFLICT, "ca-not-active", e.getMessage(), e);
        }
        if (e instanceof DuplicateSerialException) {
            return new CaException(CaException.Kind.CONFLICT, "serial-used", e.getMessage(), e);
        }
        if (e instanceof AlreadyExistsException) {
            return new CaException(CaException.Kind.CONFLICT, "already-exists", e.getMessage(), e);
        }
        if (e instanceof dev.signet.ca.store.TsaChangedException) {
            return new CaException(CaException.Kind.CONFLICT, "tsa-changed", e.getMessage(), e);
        }
        if (e instanceof InvalidRecordException) {
            return new CaException(CaException.Kind.BAD_REQUEST, "invalid-record", e.getMessage(), e);
        }
        return new CaException(CaException.Kind.UNAVAILABLE, "store-failed", "the certificate store failed", e);
    }

    public static CaException of(HsmException e) {
        if (e instanceof HsmException.PurposeMismatch m) {
            // A key asked for what its purpose does not permit: wiring or data is wrong, never the requester.
            return new CaException(CaException.Kind.CONFLICT, "key-purpose-mismatch", m.getMessage(), e);
        }
        // HSM messages name labels only, never secrets; still, the requester gets a generic detail.
        return new CaException(CaException.Kind.UNAVAILABLE, "hsm-failed", "the HSM could not complete the operation", e);
    }

    public static CaException of(LintException e) {
        return new CaException(CaException.Kind.POLICY_REFUSED, "lint:" + e.rule(), e.getMessage(), e);
    }
}
