package dev.signet.ca;

import java.time.Instant;

/**
 * One link of the audit chain. {@code details} is canonical JSON; {@code hash} is
 * SHA-256(previous entry's hash || canonical content of this entry, {@code dev.signet.ca.audit.AuditChain#content}).
 * Times have millisecond precision, the precision the chain hashes.
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String objectType, String objectId,
        String details, byte[] hash) {

    public AuditEntry {
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }
}
