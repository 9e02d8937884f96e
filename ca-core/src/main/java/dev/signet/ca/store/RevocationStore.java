package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CA_ISSUER_HASH;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;
import static dev.signet.ca.store.schema.Tables.CRL;
import static dev.signet.ca.store.schema.Tables.OCSP_RESPONDER;
import static dev.signet.ca.store.schema.Tables.REVOCATION_STATE;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.RevocationConflictException;
import dev.signet.ca.store.schema.tables.records.CaRow;
import dev.signet.ca.store.schema.tables.records.CertificateRow;
import dev.signet.ca.store.schema.tables.records.CrlRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record4;

/**
 * Revocation state: revokes and releases (each bumping the CA's revocation generation and writing
 * its audit entry in the same transaction), the status reads OCSP needs, the CRL number sequence
 * and CRL rows, the generator lease, the OCSP responders and the CAs' issuer hashes.
 *
 * <p>Several nodes on one database stay correct because everything shared is here: a node learns
 * that its OCSP cache is stale by reading {@link #generations()} (one small row per CA), and only
 * the holder of a CA's {@link #tryLease lease} generates its CRLs and rolls its responder over.
 */
public final class RevocationStore {

    /** Kinds of CRL. */
    public static final String FULL = "full";
    public static final String DELTA = "delta";

    private final Database db;

    public RevocationStore(Database db) {
        this.db = db;
    }

    /** A certificate's revocation status as OCSP needs it; {@code reasonCode} and times set only when revoked. */
    public record Status(String serialHex, boolean revoked, Instant revokedAt, Integer reasonCode, Instant notAfter,
            String profile, byte[] der) {
    }

    /** One entry of a CRL: revoked (with code) or, in a delta, released ({@code removed}). */
    public record Entry(String serialHex, Instant revokedAt, int reasonCode, Instant invalidityDate, boolean removed) {
    }

    /** A stored CRL's metadata (without its bytes). */
    public record CrlInfo(String caId, long number, String kind, Long baseNumber, long generation, Instant thisUpdate,
            Instant nextUpdate, long entries) {
    }

    /** A delegated OCSP responder of a CA. */
    public record Responder(String caId, String serialHex, String keyLabel, Instant notBefore, Instant notAfter) {
    }

    /** Receives CRL entries one at a time, in serial order of the store. */
    @FunctionalInterface
    public interface EntrySink {
        void accept(Entry e);
    }

    /** {@link #revoke(String, String, int, Instant, Instant, AuditEvent)} at the store's time. */
    public long revoke(String caId, String serialHex, int reasonCode, Instant invalidityDate, AuditEvent event) {
        return revoke(caId, serialHex, reasonCode, invalidityDate, null, event);
    }

    /**
     * Revokes a certificate at {@code revokedAt} (null: the commit's time), returning the CA's new
     * revocation generation.
     *
     * @throws NotFoundException if the CA never issued it
     * @throws RevocationConflictException if it is already revoked
     */
    public long revoke(String caId, String serialHex, int reasonCode, Instant invalidityDate, Instant revokedAt,
            AuditEvent event) {
        Checks.notNull(event, "audit event");
        AuditEntryDraft entry = AuditEntryDraft.of(event);
        return db.write(w -> {
            CertificateRow row = stored(w.tx(), caId, serialHex);
            if (CertificateRecord.REVOKED.equals(row.getStatus())) {
                throw new RevocationConflictException("certificate " + caId + "/" + serialHex + " is already revoked");
            }
            long generation = bumpGeneration(w.tx(), caId);
            row.setStatus(CertificateRecord.REVOKED);
            row.setRevokedAt((revokedAt == null ? w.now() : revokedAt).toEpochMilli());
            row.setRevocationCode(reasonCode);
            row.setRevocationReason(null);
            row.setInvalidityDate(invalidityDate == null ? null : invalidityDate.toEpochMilli());
            row.setRevocationChange(generation);
            row.update();
            w.audit(entry);
            retireRevokedCas(w, caId, serialHex, row.getDer(), event.actor());
            return generation;
        });
    }

    /**
     * A CA whose own certificate is revoked signs nothing more: every Signet CA holding the revoked
     * certificate is retired in the revoke's transaction, and so are the CAs below it (their chains
     * now pass through a revoked certificate), each with its {@code ca.retire} audit entry. The
     * statement that reserves a serial only lets an active CA sign, so from the commit on nothing
     * is issued under them (no certificate, responder or TSA certificate, sub-CA). Their CRLs and
     * OCSP answers about what they issued go on. A CA certificate cannot be put on hold, so this is
     * never undone by a release. Retiring any bumps the {@code cas} change topic once, so that the
     * other nodes drop what they cached of those CAs, as after a retirement by hand (revoking an
     * end-entity certificate leaves their caches alone).
     */
    private static void retireRevokedCas(WriteContext w, String caId, String serialHex, byte[] der, String actor) {
        java.util.ArrayDeque<String> parents = new java.util.ArrayDeque<>();
        for (CaRow child : w.tx().selectFrom(CA).where(CA.PARENT_ID.eq(caId)).and(CA.STATUS.eq(CaRecord.ACTIVE)).fetch()) {
            if (child.getCertificatePem() != null && java.util.Arrays.equals(der, pemBody(child.getCertificatePem()))) {
                retire(w, child, actor, Map.of("reason", "its certificate was revoked", "certificate", caId + "/" + serialHex));
                parents.add(child.getId());
            }
        }
        boolean retired = !parents.isEmpty();
        while (!parents.isEmpty()) {
            String parent = parents.poll();
            for (CaRow below : w.tx().selectFrom(CA).where(CA.PARENT_ID.eq(parent)).and(CA.STATUS.eq(CaRecord.ACTIVE)).fetch()) {
                retire(w, below, actor, Map.of("reason", "the certificate of its issuer '" + parent + "' was revoked"));
                parents.add(below.getId());
            }
        }
        if (retired) {
            NodeChanges.bump(w, NodeChanges.CAS);
        }
    }

    private static void retire(WriteContext w, CaRow ca, String actor, Map<String, Object> details) {
        ca.setStatus(CaRecord.RETIRED);
        w.tx().executeUpdate(ca);
        w.audit(new AuditEvent(actor, "ca.retire", "ca", ca.getId(),
                dev.signet.ca.audit.CanonicalJson.write(new java.util.TreeMap<>(details))));
    }

    /** The DER of the first PEM block (a CA record's certificate), or null if it is not PEM. */
    static byte[] pemBody(String pem) {
        int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int end = pem.indexOf("-----END CERTIFICATE-----");
        if (begin < 0 || end < begin) {
            return null;
        }
        try {
            return java.util.Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether CA {@code caId}'s own certificate, issued by another Signet CA, is revoked (to tell a
     * requester why a retired CA refuses).
     */
    static boolean ownCertificateRevoked(DSLContext tx, String caId) {
        CaRow ca = tx.selectFrom(CA).where(CA.ID.eq(caId)).fetchOne();
        if (ca == null || ca.getParentId() == null || ca.getCertificatePem() == null) {
            return false;
        }
        byte[] der = pemBody(ca.getCertificatePem());
        if (der == null) {
            return false;
        }
        String serial;
        try {
            serial = org.bouncycastle.asn1.x509.Certificate.getInstance(der).getSerialNumber().getValue().toString(16);
        } catch (RuntimeException e) {
            return false;
        }
        CertificateRow row = tx.selectFrom(CERTIFICATE).where(CERTIFICATE.CA_ID.eq(ca.getParentId()))
                .and(CERTIFICATE.SERIAL.eq(serial)).fetchOne();
        return row != null && CertificateRecord.REVOKED.equals(row.getStatus()) && java.util.Arrays.equals(der, row.getDer());
    }

    /**
     * Releases a certificate from hold (reason code 6), returning the CA's new generation.
     *
     * @throws NotFoundException if the CA never issued it
     * @throws RevocationConflictException if it is not on hold
     */
    public long release(String caId, String serialHex, int holdCode, AuditEvent event) {
        Checks.notNull(event, "audit event");
        AuditEntryDraft entry = AuditEntryDraft.of(event);
        return db.write(w -> {
            CertificateRow row = stored(w.tx(), caId, serialHex);
            if (!CertificateRecord.REVOKED.equals(row.getStatus()) || row.getRevocationCode() == null
                    || row.getRevocationCode() != holdCode) {
                throw new RevocationConflictException("certificate " + caId + "/" + serialHex + " is not on hold");
            }
            long generation = bumpGeneration(w.tx(), caId);
            row.setStatus(CertificateRecord.VALID);
            row.setRevokedAt(null);
            row.setRevocationCode(null);
            row.setInvalidityDate(null);
            row.setRevocationChange(generation);
            row.update();
            w.audit(entry);
            return generation;
        });
    }

    private static CertificateRow stored(DSLContext tx, String caId, String serialHex) {
        CertificateRow row = tx.selectFrom(CERTIFICATE)
                .where(CERTIFICATE.CA_ID.eq(caId).and(CERTIFICATE.SERIAL.eq(serialHex))).fetchOne();
        if (row == null || "reserved".equals(row.getStatus())) {
            throw new NotFoundException("certificate", caId + "/" + serialHex);
        }
        return row;
    }

    private static void ensureState(DSLContext tx, String caId) {
        tx.insertInto(REVOCATION_STATE)
                .set(REVOCATION_STATE.CA_ID, caId)
                .set(REVOCATION_STATE.GENERATION, 0L)
                .set(REVOCATION_STATE.NEXT_CRL_NUMBER, 1L)
                .onConflictDoNothing()
                .execute();
    }

    private static long bumpGeneration(DSLContext tx, String caId) {
        ensureState(tx, caId);
        tx.update(REVOCATION_STATE).set(REVOCATION_STATE.GENERATION, REVOCATION_STATE.GENERATION.plus(1L))
                .where(REVOCATION_STATE.CA_ID.eq(caId)).execute();
        return tx.select(REVOCATION_STATE.GENERATION).from(REVOCATION_STATE)
                .where(REVOCATION_STATE.CA_ID.eq(caId)).fetchSingle().value1();
    }

    private static final String STATUS_SQL = "SELECT status, revoked_at, revocation_code, not_after, profile FROM certificate "
            + "WHERE ca_id = ? AND serial = ? AND status <> 'reserved'";

    /**
     * The status of a certificate the CA issued (reserved serials are not issued). Plain JDBC: OCSP
     * reads it for every request with a nonce, and rendering the jOOQ query cost more than running it.
     */
    public Optional<Status> status(String caId, String serialHex) {
        return db.readOne(dsl -> dsl.connectionResult(c -> {
            try (PreparedStatement p = c.prepareStatement(STATUS_SQL)) {
                p.setString(1, caId);
                p.setString(2, serialHex);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Status>empty();
                    }
                    boolean revoked = CertificateRecord.REVOKED.equals(r.getString(1));
                    long revokedAt = r.getLong(2);
                    int code = r.getInt(3);
                    boolean noCode = r.wasNull();
                    long notAfter = r.getLong(4);
                    return Optional.of(new Status(serialHex, revoked, revoked ? Instant.ofEpochMilli(revokedAt) : null,
                            revoked && !noCode ? code : null, Instant.ofEpochMilli(notAfter), r.getString(5), null));
                }
            }
        }));
    }

    /** Status and DER of a certificate (for the revoke checks: is it a CA certificate?). */
    public Optional<Status> statusWithDer(String caId, String serialHex) {
        return db.readOne(dsl -> dsl.selectFrom(CERTIFICATE)
                .where(CERTIFICATE.CA_ID.eq(caId).and(CERTIFICATE.SERIAL.eq(serialHex)))
                .and(CERTIFICATE.STATUS.ne("reserved"))
                .fetchOptional()
                .map(r -> new Status(serialHex, CertificateRecord.REVOKED.equals(r.getStatus()),
                        r.getRevokedAt() == null ? null : Instant.ofEpochMilli(r.getRevokedAt()), r.getRevocationCode(),
                        Instant.ofEpochMilli(r.getNotAfter()), r.getProfile(), r.getDer())));
    }

    /** Each CA's revocation generation (CAs with no revocation yet are absent, meaning 0). */
    public Map<String, Long> generations() {
        return db.readOne(dsl -> {
            Map<String, Long> out = new HashMap<>();
            dsl.select(REVOCATION_STATE.CA_ID, REVOCATION_STATE.GENERATION).from(REVOCATION_STATE)
                    .forEach(r -> out.put(r.value1(), r.value2()));
            return out;
        });
    }

    /** Serials whose revocation status changed after {@code generation}. */
    public List<String> changedSince(String caId, long generation) {
        return db.readOne(dsl -> dsl.select(CERTIFICATE.SERIAL).from(CERTIFICATE)
                .where(CERTIFICATE.CA_ID.eq(caId)).and(CERTIFICATE.REVOCATION_CHANGE.gt(generation))
                .fetch(CERTIFICATE.SERIAL));
    }

    /**
     * Takes or renews the CRL lease of a CA for {@code owner} until {@code until}; false while another
     * owner holds an unexpired lease.
     */
    public boolean tryLease(String caId, String owner, Instant now, Instant until) {
        return db.write(w -> {
            ensureState(w.tx(), caId);
            return w.tx().update(REVOCATION_STATE)
                    .set(REVOCATION_STATE.LEASE_OWNER, owner)
                    .set(REVOCATION_STATE.LEASE_UNTIL, until.toEpochMilli())
                    .where(REVOCATION_STATE.CA_ID.eq(caId))
                    .and(REVOCATION_STATE.LEASE_OWNER.isNull().or(REVOCATION_STATE.LEASE_OWNER.eq(owner))
                            .or(REVOCATION_STATE.LEASE_UNTIL.lt(now.toEpochMilli())))
                    .execute() == 1;
        });
    }

    /** Gives up the lease if {@code owner} holds it (at shutdown, so another node takes over at once). */
    public void releaseLease(String caId, String owner) {
        db.write(w -> w.tx().update(REVOCATION_STATE).setNull(REVOCATION_STATE.LEASE_OWNER)
                .setNull(REVOCATION_STATE.LEASE_UNTIL)
                .where(REVOCATION_STATE.CA_ID.eq(caId)).and(REVOCATION_STATE.LEASE_OWNER.eq(owner)).execute());
    }

    /** Reserves the CA's next cRLNumber for a CRL of {@code kind} (with {@code baseNumber} for a delta). */
    public long reserveCrlNumber(String caId, String kind, Long baseNumber) {
        Checks.oneOf(kind, "CRL kind", FULL, DELTA);
        return db.write(w -> {
            ensureState(w.tx(), caId);
            long number = w.tx().select(REVOCATION_STATE.NEXT_CRL_NUMBER).from(REVOCATION_STATE)
                    .where(REVOCATION_STATE.CA_ID.eq(caId)).fetchSingle().value1();
            w.tx().update(REVOCATION_STATE).set(REVOCATION_STATE.NEXT_CRL_NUMBER, number + 1)
                    .where(REVOCATION_STATE.CA_ID.eq(caId)).execute();
            CrlRow row = w.tx().newRecord(CRL);
            row.setCaId(caId);
            row.setNumber(number);
            row.setKind(kind);
            row.setBaseNumber(DELTA.equals(kind) ? baseNumber : null);
            row.setStatus("reserved");
            row.setCreatedAt(w.now().toEpochMilli());
            row.insert();
            return number;
        });
    }

    /**
     * Reads the entries of a CRL in one snapshot and returns the generation they reflect. A full CRL
     * gets every revoked certificate not expired before {@code notExpiredAt}; a delta
     * ({@code sinceGeneration} not null) every certificate whose status changed after that
     * generation: revoked ones, and released ones marked {@code removed}. Rows are streamed.
     */
    public long readEntries(String caId, Long sinceGeneration, Instant notExpiredAt, EntrySink sink) {
        // Plain JDBC for the rows: a million of them through jOOQ records cost seconds. The full
        // CRL's query is answered from the partial index certificate_crl_entries alone.
        String sql = sinceGeneration == null
                ? "SELECT serial, status, revoked_at, revocation_code, invalidity_date FROM certificate "
                        + "WHERE ca_id = ? AND status = 'revoked' AND not_after >= ?"
                : "SELECT serial, status, revoked_at, revocation_code, invalidity_date FROM certificate "
                        + "WHERE ca_id = ? AND revocation_change > ? AND status <> 'reserved' AND not_after >= ?";
        return db.read(dsl -> {
            Long g = dsl.select(REVOCATION_STATE.GENERATION).from(REVOCATION_STATE)
                    .where(REVOCATION_STATE.CA_ID.eq(caId)).fetchOne(REVOCATION_STATE.GENERATION);
            dsl.connection(c -> {
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    int i = 1;
                    p.setString(i++, caId);
                    if (sinceGeneration != null) {
                        p.setLong(i++, sinceGeneration);
                    }
                    p.setLong(i, notExpiredAt.toEpochMilli());
                    p.setFetchSize(4096);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            boolean revoked = CertificateRecord.REVOKED.equals(r.getString(2));
                            long invalidity = r.getLong(5);
                            boolean noInvalidity = r.wasNull();
                            sink.accept(new Entry(r.getString(1), revoked ? Instant.ofEpochMilli(r.getLong(3)) : null,
                                    revoked ? r.getInt(4) : 8, noInvalidity ? null : Instant.ofEpochMilli(invalidity),
                                    !revoked));
                        }
                    }
                }
            });
            return g == null ? 0 : g;
        });
    }

    /** Records what is about to be signed under a reserved number (Boulder: before the signature). */
    public void recordPrepared(String caId, long number, long generation, Instant thisUpdate, Instant nextUpdate,
            long entries, byte[] tbsSha256) {
        db.write(w -> {
            int n = w.tx().update(CRL).set(CRL.STATUS, "prepared").set(CRL.GENERATION, generation)
                    .set(CRL.THIS_UPDATE, thisUpdate.toEpochMilli()).set(CRL.NEXT_UPDATE, nextUpdate.toEpochMilli())
                    .set(CRL.ENTRIES, entries).set(CRL.TBS_SHA256, tbsSha256)
                    .where(CRL.CA_ID.eq(caId)).and(CRL.NUMBER.eq(number)).and(CRL.STATUS.eq("reserved")).execute();
            if (n != 1) {
                throw new InvalidRecordException("CRL " + caId + "/" + number + " is not reserved");
            }
            return null;
        });
    }

    /** Stores the signed CRL whose TBS was recorded, with its audit entry. */
    public void storeIssued(String caId, long number, byte[] der, byte[] tbsSha256, AuditEvent event) {
        AuditEntryDraft entry = AuditEntryDraft.of(event);
        db.write(w -> {
            CrlRow row = w.tx().selectFrom(CRL).where(CRL.CA_ID.eq(caId)).and(CRL.NUMBER.eq(number)).fetchOne();
            if (row == null || !"prepared".equals(row.getStatus())
                    || !java.security.MessageDigest.isEqual(row.getTbsSha256(), tbsSha256)) {
                throw new InvalidRecordException("CRL " + caId + "/" + number + " is not the one prepared");
            }
            row.setStatus("issued");
            row.setDer(der);
            row.update();
            w.audit(entry);
            return null;
        });
    }

    /** The newest issued CRL of a kind, without its bytes. */
    public Optional<CrlInfo> newest(String caId, String kind) {
        return db.readOne(dsl -> dsl.select(CRL.CA_ID, CRL.NUMBER, CRL.KIND, CRL.BASE_NUMBER, CRL.GENERATION,
                        CRL.THIS_UPDATE, CRL.NEXT_UPDATE, CRL.ENTRIES)
                .from(CRL).where(CRL.CA_ID.eq(caId)).and(CRL.KIND.eq(kind)).and(CRL.STATUS.eq("issued"))
                .orderBy(CRL.NUMBER.desc()).limit(1)
                .fetchOptional(r -> new CrlInfo(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        Instant.ofEpochMilli(r.value6()), Instant.ofEpochMilli(r.value7()), r.value8())));
    }

    /** The bytes of an issued CRL. */
    public Optional<byte[]> crlDer(String caId, long number) {
        return db.readOne(dsl -> dsl.select(CRL.DER).from(CRL).where(CRL.CA_ID.eq(caId)).and(CRL.NUMBER.eq(number))
                .and(CRL.STATUS.eq("issued")).fetchOptional(CRL.DER));
    }

    /** The CA's responders, newest (latest notAfter) first. */
    public List<Responder> responders(String caId) {
        return db.readOne(dsl -> dsl.selectFrom(OCSP_RESPONDER).where(OCSP_RESPONDER.CA_ID.eq(caId))
                .orderBy(OCSP_RESPONDER.NOT_AFTER.desc())
                .fetch(r -> new Responder(r.getCaId(), r.getSerial(), r.getKeyLabel(),
                        Instant.ofEpochMilli(r.getNotBefore()), Instant.ofEpochMilli(r.getNotAfter()))));
    }

    /** Records a new responder whose certificate is already stored, with its audit entry. */
    public void addResponder(Responder r, AuditEvent event) {
        AuditEntryDraft entry = AuditEntryDraft.of(event);
        db.write(w -> {
            w.tx().insertInto(OCSP_RESPONDER)
                    .set(OCSP_RESPONDER.CA_ID, r.caId()).set(OCSP_RESPONDER.SERIAL, r.serialHex())
                    .set(OCSP_RESPONDER.KEY_LABEL, r.keyLabel())
                    .set(OCSP_RESPONDER.NOT_BEFORE, r.notBefore().toEpochMilli())
                    .set(OCSP_RESPONDER.NOT_AFTER, r.notAfter().toEpochMilli())
                    .set(OCSP_RESPONDER.CREATED_AT, w.now().toEpochMilli()).execute();
            w.audit(entry);
            return null;
        });
    }

    /** Records a CA's issuer name and key hash under {@code algorithm} (idempotent). */
    public void putIssuerHash(String caId, String algorithm, String nameHashHex, String keyHashHex) {
        db.write(w -> w.tx().insertInto(CA_ISSUER_HASH)
                .set(CA_ISSUER_HASH.CA_ID, caId).set(CA_ISSUER_HASH.ALGORITHM, algorithm)
                .set(CA_ISSUER_HASH.NAME_HASH, nameHashHex).set(CA_ISSUER_HASH.KEY_HASH, keyHashHex)
                .onConflict(CA_ISSUER_HASH.CA_ID, CA_ISSUER_HASH.ALGORITHM).doUpdate()
                .set(CA_ISSUER_HASH.NAME_HASH, nameHashHex).set(CA_ISSUER_HASH.KEY_HASH, keyHashHex)
                .execute());
    }

    /** Every stored issuer hash: (caId, algorithm, name hash, key hash). */
    public List<Record4<String, String, String, String>> issuerHashes() {
        return db.readOne(dsl -> dsl.select(CA_ISSUER_HASH.CA_ID, CA_ISSUER_HASH.ALGORITHM, CA_ISSUER_HASH.NAME_HASH,
                CA_ISSUER_HASH.KEY_HASH).from(CA_ISSUER_HASH).fetch());
    }
}
