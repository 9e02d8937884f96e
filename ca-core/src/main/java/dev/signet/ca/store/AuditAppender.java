package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;

import dev.signet.ca.audit.AuditChain;
import dev.signet.ca.audit.AuditCheckpoint;
import dev.signet.ca.audit.CanonicalJson;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.Record2;

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

    /** Reads the chain head; call inside the write transaction. */
    static AuditAppender resume(DSLContext tx) {
        Record2<Long, byte[]> head = tx.select(AUDIT_ENTRY.SEQ, AUDIT_ENTRY.HASH).from(AUDIT_ENTRY)
                .orderBy(AUDIT_ENTRY.SEQ.desc()).limit(1).fetchOne();
        Long lastCp = tx.select(org.jooq.impl.DSL.max(AUDIT_CHECKPOINT.SEQ)).from(AUDIT_CHECKPOINT).fetchOne().value1();
        return head == null
                ? new AuditAppender(0, AuditChain.GENESIS, lastCp == null ? 0 : lastCp)
                : new AuditAppender(head.value1(), head.value2(), lastCp == null ? 0 : lastCp);
    }

    Mark mark() {
        return new Mark(seq, hash);
    }

    void reset(Mark m) {
        seq = m.seq();
        hash = m.hash();
    }

    /** Appends one entry; bad details JSON is an {@link InvalidRecordException} and appends nothing. */
    long append(WriteContext w, AuditEvent event) {
        String details;
        try {
            details = CanonicalJson.canonicalizeObject(event.detailsJson());
        } catch (CanonicalJson.MalformedJsonException e) {
            throw new InvalidRecordException("audit details are not a JSON object: " + e.getMessage());
        }
        long next = seq + 1;
        long at = w.now().toEpochMilli();
        byte[] nextHash = AuditChain.link(hash, AuditChain.content(next, at, event.actor(), event.action(),
                event.objectType(), event.objectId(), details));
        try {
            w.execute(w.hot().appendAudit, next, at, event.actor(), event.action(), event.objectType(), event.objectId(),
                    details, nextHash);
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
