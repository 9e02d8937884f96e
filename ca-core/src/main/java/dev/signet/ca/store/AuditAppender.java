package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.StoreException;
import dev.signet.ca.audit.AuditChain;
import dev.signet.ca.audit.AuditCheckpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jooq.DSLContext;

/**
 * Appends entries to the audit chain inside the writer's transaction. It starts from the chain
 * head as stored (another process may have appended since the last batch), keeps the head in
 * memory while the batch runs, and goes back to a mark when one write's savepoint is rolled back.
 */
final class AuditAppender {

    /** A position in the chain to return to. */
    record Mark(long seq, byte[] hash) {
    }

    private long seq;
    private byte[] hash;
    private long lastCheckpointSeq;

    private AuditAppender(long seq, byte[] hash, long lastCheckpointSeq) {
        this.seq = seq;
        this.hash = hash;
        this.lastCheckpointSeq = lastCheckpointSeq;
    }

    /** Reads the chain head with the writer's prepared statements; call inside the write transaction. */
    static AuditAppender resume(HotStatements hot) throws SQLException {
        long lastCp;
        try (ResultSet r = hot.lastCheckpointSeq.executeQuery()) {
            lastCp = r.next() ? r.getLong(1) : 0; // max() of no rows is NULL, which getLong reads as 0
        }
        try (ResultSet r = hot.chainHead.executeQuery()) {
            return r.next()
                    ? new AuditAppender(r.getLong(1), r.getBytes(2), lastCp)
                    : new AuditAppender(0, AuditChain.GENESIS, lastCp);
        }
    }

    Mark mark() {
        return new Mark(seq, hash);
    }

    void reset(Mark m) {
        seq = m.seq();
        hash = m.hash();
    }

    /** Appends one entry. */
    long append(WriteContext w, AuditEntryDraft entry) {
        AuditEvent event = entry.event();
        long next = seq + 1;
        long at = w.now().toEpochMilli();
        byte[] nextHash = AuditChain.link(hash, AuditChain.content(next, at, entry.fields()));
        try {
            w.execute(w.hot().appendAudit, next, at, event.actor(), event.action(), event.objectType(), event.objectId(),
                    entry.canonicalDetails(), nextHash);
        } catch (SQLException e) {
            throw new StoreException("cannot append audit entry " + next + ": " + e.getMessage(), e);
        }
        seq = next;
        hash = nextHash;
        return next;
    }

    long headSeq() {
        return seq;
    }

    byte[] headHash() {
        return hash.clone();
    }

    long uncheckpointed() {
        return seq - lastCheckpointSeq;
    }

    void insertCheckpoint(DSLContext tx, AuditCheckpoint cp) {
        tx.insertInto(AUDIT_CHECKPOINT)
                .set(AUDIT_CHECKPOINT.SEQ, cp.seq())
                .set(AUDIT_CHECKPOINT.HASH, cp.hash())
                .set(AUDIT_CHECKPOINT.SIGNATURE, cp.signature())
                .set(AUDIT_CHECKPOINT.KEY_LABEL, cp.keyLabel())
                .set(AUDIT_CHECKPOINT.SIGNATURE_ALGORITHM, cp.signatureAlgorithm())
                .set(AUDIT_CHECKPOINT.CREATED_AT, cp.created().toEpochMilli())
                .execute();
        lastCheckpointSeq = cp.seq();
    }
}
