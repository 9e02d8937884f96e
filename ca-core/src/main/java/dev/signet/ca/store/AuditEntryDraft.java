package dev.signet.ca.store;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.audit.AuditChain;
import dev.signet.ca.audit.CanonicalJson;

/**
 * An {@link AuditEvent} with its details in canonical form and its chain fields encoded: all of an
 * entry but its seq, time and hash. Hot write paths make it in the caller's thread, so that the
 * single writer thread only numbers, hashes and inserts it.
 */
record AuditEntryDraft(AuditEvent event, String canonicalDetails, AuditChain.EntryFields fields) {

    /** @throws InvalidRecordException if the details are not a JSON object */
    static AuditEntryDraft of(AuditEvent event) {
        String details;
        try {
            details = CanonicalJson.canonicalizeObject(event.detailsJson());
        } catch (CanonicalJson.MalformedJsonException e) {
            throw new InvalidRecordException("audit details are not a JSON object: " + e.getMessage());
        }
        return ofCanonical(event, details);
    }

    /**
     * The draft of an event whose details a hot path wrote in canonical form itself ({@code
     * canonicalDetails}, which must be exactly what {@link CanonicalJson#canonicalizeObject} makes of
     * it: the hash chain covers these bytes), saving a parse and a rewrite per entry.
     */
    static AuditEntryDraft ofCanonical(AuditEvent event, String canonicalDetails) {
        return new AuditEntryDraft(event, canonicalDetails,
                AuditChain.fields(event.actor(), event.action(), event.objectType(), event.objectId(), canonicalDetails));
    }
}
