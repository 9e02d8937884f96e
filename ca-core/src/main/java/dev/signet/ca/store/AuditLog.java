package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;

import dev.signet.ca.audit.AuditCheckpoint;
import dev.signet.ca.audit.AuditEntry;
import dev.signet.ca.audit.AuditSigner;
import dev.signet.ca.audit.AuditVerification;
import dev.signet.ca.audit.ChainVerifier;
import dev.signet.ca.audit.CheckpointKeys;
import dev.signet.ca.store.schema.tables.records.AuditCheckpointRow;
import dev.signet.ca.store.schema.tables.records.AuditEntryRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import java.util.stream.Stream;

/**
 * Reads and checks the audit chain. Entries are appended only by the stores, in the transaction of
 * the change they record; this class never writes entries.
 */
public final class AuditLog {

    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** Entries newest first. */
    public Page<AuditEntry> list(int offset, int limit) {
        return list(new AuditQuery(null, null, null, null, offset, limit));
    }

    /** Entries matching the query, newest first. */
    public Page<AuditEntry> list(AuditQuery q) {
        List<Condition> where = new ArrayList<>();
        if (q.actor() != null) {
            where.add(AUDIT_ENTRY.ACTOR.like(prefix(q.actor()), '!'));
        }
        if (q.action() != null) {
            where.add(AUDIT_ENTRY.ACTION.like(prefix(q.action()), '!'));
        }
        if (q.objectType() != null) {
            where.add(AUDIT_ENTRY.OBJECT_TYPE.eq(q.objectType()));
        }
        if (q.objectId() != null) {
            where.add(AUDIT_ENTRY.OBJECT_ID.eq(q.objectId()));
        }
        return db.read(dsl -> {
            long total = dsl.fetchCount(AUDIT_ENTRY, where);
            List<AuditEntry> items = dsl.selectFrom(AUDIT_ENTRY).where(where).orderBy(AUDIT_ENTRY.SEQ.desc())
                    .limit(q.limit()).offset(q.offset()).fetch(AuditLog::toEntry);
            return new Page<>(items, q.offset(), q.limit(), total);
        });
    }

    /** A LIKE pattern for values starting with {@code text} ({@code !} escapes). */
    private static String prefix(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** The signed checkpoints, oldest first. */
    public List<AuditCheckpoint> checkpoints() {
        return db.read(dsl -> dsl.selectFrom(AUDIT_CHECKPOINT).orderBy(AUDIT_CHECKPOINT.SEQ).fetch(AuditLog::toCheckpoint));
    }

    /**
     * Signs a checkpoint over the chain head now (if entries were added since the last one) and
     * returns the seq it covers. @throws StoreException if no audit key is configured
     */
    public long checkpoint() {
        db.checkNotWriter();
        return Database.await(db.checkpointNow());
    }

    /** Verifies the chain, checking checkpoint signatures with the configured audit key's HSM. */
    public AuditVerification verify() {
        AuditSigner signer = db.auditSigner();
        CheckpointKeys keys = signer != null ? signer.keys() : label -> {
            throw new StoreException("no audit key is configured");
        };
        return verify(keys);
    }

    /** Verifies the chain, checking checkpoint signatures with the given public keys. */
    public AuditVerification verify(CheckpointKeys keys) {
        return db.read(dsl -> {
            List<AuditCheckpoint> checkpoints = dsl.selectFrom(AUDIT_CHECKPOINT).orderBy(AUDIT_CHECKPOINT.SEQ)
                    .fetch(AuditLog::toCheckpoint);
            // Streamed with a cursor: the chain can be far larger than memory wants to hold.
            try (Stream<AuditEntryRow> rows = dsl.selectFrom(AUDIT_ENTRY).orderBy(AUDIT_ENTRY.SEQ).fetchSize(1000).fetchStream()) {
                return ChainVerifier.verify(rows.map(AuditLog::toEntry).iterator(), checkpoints, keys);
            }
        });
    }

    private static AuditEntry toEntry(AuditEntryRow r) {
        return new AuditEntry(r.getSeq(), Instant.ofEpochMilli(r.getAt()), r.getActor(), r.getAction(),
                r.getObjectType(), r.getObjectId(), r.getDetails(), r.getHash());
    }

    private static AuditCheckpoint toCheckpoint(AuditCheckpointRow r) {
        return new AuditCheckpoint(r.getSeq(), r.getHash(), r.getSignature(), r.getKeyLabel(),
                r.getSignatureAlgorithm(), Instant.ofEpochMilli(r.getCreatedAt()));
    }
}
