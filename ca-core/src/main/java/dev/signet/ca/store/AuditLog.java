package dev.signet.ca.store;

import dev.signet.ca.AuditQuery;
import static dev.signet.ca.store.schema.Tables.API_TOKEN;
import static dev.signet.ca.store.schema.Tables.APP_USER;
import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;
import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;

import dev.signet.ca.audit.AuditCheckpoint;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditExpectations;
import dev.signet.ca.audit.AuditSigner;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.audit.ChainVerifier;
import dev.signet.ca.audit.CheckpointKeys;
import dev.signet.ca.ExpectedCheckpoint;
import dev.signet.ca.Page;
import dev.signet.ca.StoreException;
import dev.signet.ca.store.schema.tables.records.AuditCheckpointRow;
import dev.signet.ca.store.schema.tables.records.AuditEntryRow;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
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

    /**
     * Verifies the chain beside the running writer, checking checkpoint signatures with the
     * configured audit key (and only that key) and the rules of {@link #expectations()}. Without an
     * audit key only the chain's consistency is checked.
     */
    public AuditVerification verify() {
        AuditSigner signer = db.auditSigner();
        if (signer == null) {
            return verify(label -> {
                throw new StoreException("no audit key is configured");
            }, AuditExpectations.chainOnly(db.settings().clock().instant()));
        }
        return verify(signer.keys(), expectations());
    }

    /** As {@link #verify()}, and the chain must contain each of {@code expected} (checkpoints kept elsewhere). */
    public AuditVerification verify(List<ExpectedCheckpoint> expected) {
        AuditSigner signer = db.auditSigner();
        if (signer == null) {
            throw new StoreException("no audit key is configured");
        }
        return verify(signer.keys(), expectations().expecting(expected));
    }

    /** Verifies the chain, checking checkpoint signatures with the given public keys and the rules of {@link #expectations()}. */
    public AuditVerification verify(CheckpointKeys keys) {
        return verify(keys, expectations());
    }

    /**
     * Verifies the chain against {@code expectations}, checking checkpoint signatures with the AUDIT
     * keys: {@code auditKey} and, for older checkpoints, the others of {@code auditKeys}.
     */
    public AuditVerification verify(SigningKeys auditKeys, ScopedSigner auditKey, AuditExpectations expectations) {
        return verify(new AuditSigner(auditKeys, auditKey).keys(), expectations);
    }

    /**
     * What the writer of this store guarantees (a checkpoint every {@code checkpointInterval}
     * entries and within the checkpoint delay), as of now by the store's clock.
     */
    public AuditExpectations expectations() {
        StoreSettings s = db.settings();
        return AuditExpectations.signedEvery(s.checkpointInterval(), s.checkpointMaxDelay(), s.clock().instant());
    }

    /**
     * Verifies the chain against {@code expectations}, checking checkpoint signatures with
     * {@code keys}. Reads only: verifying never signs or writes anything.
     */
    public AuditVerification verify(CheckpointKeys keys, AuditExpectations expectations) {
        return db.read(dsl -> {
            List<AuditCheckpoint> checkpoints = dsl.selectFrom(AUDIT_CHECKPOINT).orderBy(AUDIT_CHECKPOINT.SEQ)
                    .fetch(AuditLog::toCheckpoint);
            AuditExpectations e = expectations.withStoreContents(storeContents(dsl));
            // Streamed with a cursor: the chain can be far larger than memory wants to hold.
            try (Stream<AuditEntryRow> rows = dsl.selectFrom(AUDIT_ENTRY).orderBy(AUDIT_ENTRY.SEQ).fetchSize(1000).fetchStream()) {
                return ChainVerifier.verify(rows.map(AuditLog::toEntry).iterator(), checkpoints, keys, e);
            }
        });
    }

    /** What the audited tables hold, e.g. "2 CAs, 1 API token", or null when they are all empty. */
    private static String storeContents(DSLContext dsl) {
        List<String> parts = new ArrayList<>();
        count(parts, dsl.fetchCount(CA), "CA", "CAs");
        count(parts, dsl.fetchCount(CERTIFICATE), "certificate", "certificates");
        count(parts, dsl.fetchCount(API_TOKEN), "API token", "API tokens");
        count(parts, dsl.fetchCount(APP_USER), "user", "users");
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static void count(List<String> parts, int n, String one, String many) {
        if (n > 0) {
            parts.add(n + " " + (n == 1 ? one : many));
        }
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
