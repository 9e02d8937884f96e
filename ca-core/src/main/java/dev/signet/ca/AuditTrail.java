package dev.signet.ca;

import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.SecurityEvents;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.security.PublicKey;
import java.util.List;

/**
 * The hash-chained audit trail of one database: record an event that changes no stored data, read
 * entries, verify the chain and its signed checkpoints. Every change to stored data writes its own
 * entry in its own transaction (in the facade that makes it); {@link #record} is for the rest:
 * refused requests, logins, backups.
 */
public final class AuditTrail {

    private final SecurityEvents events;
    private final AuditLog log;

    public AuditTrail(Storage storage) {
        this.events = new SecurityEvents(storage.database());
        this.log = new AuditLog(storage.database());
    }

    /** Appends the event to the chain and returns once it is committed. */
    public void record(AuditEvent event) {
        events.record(event);
    }

    /** Entries newest first. */
    public Page<AuditEntry> list(int offset, int limit) {
        return log.list(offset, limit);
    }

    /** Entries matching the query, newest first. */
    public Page<AuditEntry> list(AuditQuery query) {
        return log.list(query);
    }

    /**
     * Signs a checkpoint over the chain's head now (if entries were added since the last one) and
     * returns the seq it covers. @throws StoreException if the storage was opened without an audit key
     */
    public long checkpoint() {
        return log.checkpoint();
    }

    /**
     * Verifies the chain beside the running writer, checking checkpoint signatures with the audit
     * key the storage was opened with and the intervals it signs at. Without an audit key only the
     * chain's consistency is checked.
     */
    public AuditVerification verify() {
        return log.verify();
    }

    /**
     * As {@link #verify()}, and the chain must contain each of {@code expected} (checkpoints kept elsewhere).
     * @throws StoreException if the storage was opened without an audit key
     */
    public AuditVerification verify(List<ExpectedCheckpoint> expected) {
        return log.verify(expected);
    }

    /**
     * Verifies the chain against {@code expectations}, checking checkpoint signatures with the AUDIT
     * keys: {@code auditKey} and, for older checkpoints, the others of {@code auditKeys}. Reads only.
     */
    public AuditVerification verify(SigningKeys auditKeys, ScopedSigner auditKey, AuditExpectations expectations) {
        return log.verify(auditKeys, auditKey, expectations);
    }

    /**
     * Verifies the chain against {@code expectations}; every checkpoint must verify under
     * {@code pinnedAuditKey}, whatever key label it names. Reads only.
     */
    public AuditVerification verify(PublicKey pinnedAuditKey, AuditExpectations expectations) {
        return log.verify(label -> pinnedAuditKey, expectations);
    }
}
