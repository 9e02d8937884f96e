package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;
import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;
import static dev.signet.ca.store.schema.Tables.TSA;
import static dev.signet.ca.store.schema.Tables.TSA_TOKEN;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.param;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jooq.DSLContext;

/**
 * The statements every issued certificate runs (reserve, store, audit append, and per batch the chain
 * head and savepoints), prepared once
 * on the writer connection. Rendering a jOOQ query costs more CPU than SQLite needs to run it, and
 * the write path must keep up with issuance, so these are rendered once from the generated tables
 * (column names stay compiler-checked) and afterwards only bound and executed. Parameters are
 * bound by position, in the order the comments list. Used only by the writer thread.
 */
final class HotStatements implements AutoCloseable {

    /**
     * ca_id, serial, tbs_der, profile, requester, reserved_at, ca_id again, self_signed (1 or 0); 0 rows
     * if the serial is taken or the CA may not sign: only an active CA reserves, or a pending one its
     * own self-signed certificate (a root being created). One statement, so a retire that commits
     * first is always seen.
     */
    final PreparedStatement reserve;
    /** status, der, subject, sans, not_before, not_after, profile, key_algorithm, requester, issued_at,
     *  revoked_at, revocation_reason, then ca_id, serial, tbs_der; 0 rows unless the serial was reserved
     *  for exactly this tbsCertificate. */
    final PreparedStatement storeReserved;
    /** seq, at, actor, action, object_type, object_id, details, hash. */
    final PreparedStatement appendAudit;

    /** tsa_name, serial, gen_time, hash_algorithm, imprint, policy, requester; 0 rows if the serial is taken. */
    final PreparedStatement recordTimestamp;
    /** count, gen_time, name: counts tokens of an active TSA and keeps its latest genTime; 0 rows if none. */
    final PreparedStatement countTimestamps;

    /** The chain head: seq, hash of the last audit entry; no row if the chain is empty. */
    final PreparedStatement chainHead;
    /** The seq of the last audit checkpoint (NULL if there is none). */
    final PreparedStatement lastCheckpointSeq;
    /** Savepoints around each write of a batch, so that a failing write rolls back alone. */
    final PreparedStatement savepoint;
    final PreparedStatement rollbackToSavepoint;
    final PreparedStatement releaseSavepoint;
    /** Serialises write transactions across processes ({@link Dialect#writerLock()}); null where the database does. */
    private final PreparedStatement writerLock;

    HotStatements(Connection connection, DSLContext dsl, Dialect dialect) throws SQLException {
        reserve = connection.prepareStatement(dsl.render(dsl.insertInto(CERTIFICATE,
                        CERTIFICATE.CA_ID, CERTIFICATE.SERIAL, CERTIFICATE.STATUS, CERTIFICATE.TBS_DER,
                        CERTIFICATE.PROFILE, CERTIFICATE.REQUESTER, CERTIFICATE.RESERVED_AT)
                .select(dsl.select(param("ca", String.class), param("serial", String.class), inline("reserved"),
                        param("tbs", byte[].class), param("profile", String.class), param("requester", String.class),
                        param("at", Long.class))
                        .whereExists(dsl.selectOne().from(CA).where(CA.ID.eq(param("ca2", String.class)))
                                .and(CA.STATUS.eq(inline(CaRecord.ACTIVE)).or(CA.STATUS.eq(inline(CaRecord.PENDING))
                                        .and(param("self", Integer.class).eq(inline(1)))))))
                .onConflictDoNothing()));
        storeReserved = connection.prepareStatement(dsl.render(dsl.update(CERTIFICATE)
                .set(CERTIFICATE.STATUS, param("status", String.class))
                .set(CERTIFICATE.DER, param("der", byte[].class))
                .set(CERTIFICATE.SUBJECT, param("subject", String.class))
                .set(CERTIFICATE.SANS, param("sans", String.class))
                .set(CERTIFICATE.NOT_BEFORE, param("nb", Long.class))
                .set(CERTIFICATE.NOT_AFTER, param("na", Long.class))
                .set(CERTIFICATE.PROFILE, param("profile", String.class))
                .set(CERTIFICATE.KEY_ALGORITHM, param("alg", String.class))
                .set(CERTIFICATE.REQUESTER, param("requester", String.class))
                .set(CERTIFICATE.ISSUED_AT, param("issued", Long.class))
                .set(CERTIFICATE.REVOKED_AT, param("revoked", Long.class))
                .set(CERTIFICATE.REVOCATION_REASON, param("reason", String.class))
                .where(CERTIFICATE.CA_ID.eq(param("ca", String.class)))
                .and(CERTIFICATE.SERIAL.eq(param("serial", String.class)))
                .and(CERTIFICATE.STATUS.eq(inline("reserved")))
                .and(CERTIFICATE.TBS_DER.eq(param("tbs", byte[].class)))));
        appendAudit = connection.prepareStatement(dsl.render(dsl.insertInto(AUDIT_ENTRY,
                        AUDIT_ENTRY.SEQ, AUDIT_ENTRY.AT, AUDIT_ENTRY.ACTOR, AUDIT_ENTRY.ACTION, AUDIT_ENTRY.OBJECT_TYPE,
                        AUDIT_ENTRY.OBJECT_ID, AUDIT_ENTRY.DETAILS, AUDIT_ENTRY.HASH)
                .values(param("seq", Long.class), param("at", Long.class), param("actor", String.class),
                        param("action", String.class), param("type", String.class), param("id", String.class),
                        param("details", String.class), param("hash", byte[].class))));
        recordTimestamp = connection.prepareStatement(dsl.render(dsl.insertInto(TSA_TOKEN,
                        TSA_TOKEN.TSA_NAME, TSA_TOKEN.SERIAL, TSA_TOKEN.GEN_TIME, TSA_TOKEN.HASH_ALGORITHM, TSA_TOKEN.IMPRINT,
                        TSA_TOKEN.POLICY, TSA_TOKEN.REQUESTER)
                .values(param("tsa", String.class), param("serial", String.class), param("gen", Long.class),
                        param("alg", String.class), param("imprint", byte[].class), param("policy", String.class),
                        param("requester", String.class))
                .onConflictDoNothing()));
        countTimestamps = connection.prepareStatement(dsl.render(dsl.update(TSA)
                .set(TSA.TOKENS_ISSUED, TSA.TOKENS_ISSUED.plus(param("count", Long.class)))
                .set(TSA.LAST_GEN_TIME, greatest(coalesce(TSA.LAST_GEN_TIME, inline(0L)), param("gen", Long.class)))
                .where(TSA.NAME.eq(param("name", String.class)))
                .and(TSA.STATUS.eq(inline("active")))));
        chainHead = connection.prepareStatement(dsl.render(dsl.select(AUDIT_ENTRY.SEQ, AUDIT_ENTRY.HASH).from(AUDIT_ENTRY)
                .orderBy(AUDIT_ENTRY.SEQ.desc()).limit(inline(1))));
        lastCheckpointSeq = connection.prepareStatement(dsl.render(dsl.select(max(AUDIT_CHECKPOINT.SEQ)).from(AUDIT_CHECKPOINT)));
        savepoint = connection.prepareStatement("SAVEPOINT signet_write");
        rollbackToSavepoint = connection.prepareStatement("ROLLBACK TO SAVEPOINT signet_write");
        releaseSavepoint = connection.prepareStatement("RELEASE SAVEPOINT signet_write");
        writerLock = dialect.writerLock() == null ? null : connection.prepareStatement(dialect.writerLock());
    }

    /** Call first in every write transaction: until it commits, no other process's writer runs. */
    void lockWriters() throws SQLException {
        if (writerLock != null) {
            writerLock.execute();
        }
    }

    @Override
    public void close() {
        for (PreparedStatement p : new PreparedStatement[] {reserve, storeReserved, appendAudit, recordTimestamp, countTimestamps, chainHead,
                lastCheckpointSeq, savepoint, rollbackToSavepoint, releaseSavepoint, writerLock}) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (SQLException ignored) {
                // the connection closes next; nothing to do
            }
        }
    }
}
