package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.Page;
import dev.signet.ca.RevocationConflictException;
import dev.signet.ca.StoreException;
import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.schema.tables.records.CertificateRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/**
 * Issued certificates. Boulder's rule: a serial is {@link #reserve reserved}, with the bytes about
 * to be signed, before anything is signed; the signed certificate is then {@link #store stored}.
 * Both are durable before they return and each writes its audit entry in the same transaction.
 *
 * <p>Each durable commit costs an fsync (milliseconds), so one caller that waits for every write
 * gets a few hundred writes per second at best; throughput comes from many writes sharing a
 * commit. Either call from many threads, or use the async variants and keep many certificates in
 * flight. Their futures complete on the store's writer thread: do heavy work (signing) in
 * {@code thenApplyAsync(..., yourExecutor)}, never in a plain {@code thenApply}, and never call a
 * blocking store method from such a callback (it is refused with {@link IllegalStateException}).
 */
public final class CertificateStore {

    private final Database db;

    public CertificateStore(Database db) {
        this.db = db;
    }

    /** The revocations of the same database: a CA revokes through it what it issued for a CA that was then not created. */
    public RevocationStore revocationStore() {
        return new RevocationStore(db);
    }

    /**
     * Records that {@code caId} is about to sign {@code tbsDer} under {@code serialHex}. The same
     * statement checks that the CA is active.
     *
     * @throws DuplicateSerialException if the CA has used the serial already
     * @throws CaNotActiveException if the CA is retired or pending
     * @throws NotFoundException if the CA is unknown
     */
    public void reserve(String caId, String serialHex, byte[] tbsDer, String profile, String requester) {
        db.checkNotWriter();
        Database.await(reserveAsync(caId, serialHex, tbsDer, profile, requester));
    }

    /**
     * {@link #reserve} for a root's own self-signed certificate while the root is being created: the
     * CA is then {@code pending} (it has no certificate yet), which this reservation alone accepts.
     */
    public void reserveSelfSigned(String caId, String serialHex, byte[] tbsDer, String profile, String requester) {
        db.checkNotWriter();
        Database.await(reserveAsync(caId, serialHex, tbsDer, profile, requester, true));
    }

    /** {@link #reserve}, completing after the commit. Argument errors are thrown at once. */
    public CompletableFuture<Void> reserveAsync(String caId, String serialHex, byte[] tbsDer, String profile,
            String requester) {
        return reserveAsync(caId, serialHex, tbsDer, profile, requester, false);
    }

    private CompletableFuture<Void> reserveAsync(String caId, String serialHex, byte[] tbsDer, String profile,
            String requester, boolean selfSigned) {
        Checks.notBlank(caId, "CA id");
        Checks.serial(serialHex);
        if (tbsDer == null || tbsDer.length == 0) {
            throw new InvalidRecordException("the to-be-signed certificate is required");
        }
        byte[] tbs = tbsDer.clone();
        Checks.notBlank(profile, "profile");
        Checks.notBlank(requester, "requester");
        AuditEntryDraft event = AuditEntryDraft.of(new AuditEvent(requester, "certificate.reserve", "certificate",
                caId + "/" + serialHex, CanonicalJson.write(Map.of("profile", profile))));
        return db.submit(w -> {
            int inserted;
            try {
                inserted = w.execute(w.hot().reserve, caId, serialHex, tbs, profile, requester, w.now().toEpochMilli(),
                        caId, selfSigned ? 1 : 0);
            } catch (SQLException e) {
                if (SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) {
                    throw new NotFoundException("CA", caId);
                }
                throw new StoreException("cannot reserve serial " + serialHex + ": " + e.getMessage(), e);
            }
            if (inserted == 0) {
                String status = w.tx().select(CA.STATUS).from(CA).where(CA.ID.eq(caId)).fetchOne(CA.STATUS);
                if (status == null) {
                    throw new NotFoundException("CA", caId);
                }
                if (!CaRecord.ACTIVE.equals(status) && !(selfSigned && CaRecord.PENDING.equals(status))) {
                    if (CaRecord.RETIRED.equals(status) && RevocationStore.ownCertificateRevoked(w.tx(), caId)) {
                        throw new CaRevokedException(caId);
                    }
                    throw new CaNotActiveException(caId, status);
                }
                throw new DuplicateSerialException(caId, serialHex);
            }
            w.audit(event);
            return null;
        });
    }

    /**
     * Stores a signed certificate with its audit entry and returns after the commit. The serial is
     * normally reserved, and then the certificate's tbsCertificate must be exactly the reserved
     * bytes; a certificate stored without a reservation is inserted.
     *
     * @throws DuplicateSerialException if a certificate with this serial is already stored
     * @throws InvalidRecordException if the DER is not a certificate or is not what was reserved
     * @throws NotFoundException if the CA is unknown
     */
    public void store(CertificateRecord cert, AuditEvent event) {
        db.checkNotWriter();
        Database.await(storeAsync(cert, event));
    }

    /** {@link #store}, completing after the commit. Argument errors are thrown at once. */
    public CompletableFuture<Void> storeAsync(CertificateRecord cert, AuditEvent event) {
        Checks.notNull(cert, "certificate");
        Checks.notNull(event, "audit event");
        byte[] tbs = CertificateDer.tbsOf(cert.der());
        AuditEntryDraft entry;
        try {
            entry = AuditEntryDraft.of(event);
        } catch (InvalidRecordException e) {
            // As when the write itself fails: only this caller's future fails.
            return CompletableFuture.failedFuture(e);
        }
        return db.submit(w -> {
            if (storeReserved(w, cert, tbs) == 1) {
                w.audit(entry);
                return null;
            }
            // Not stored by the fast path: never reserved (insert it), reserved for other bytes, or already stored.
            CertificateRow existing = w.tx().selectFrom(CERTIFICATE).where(key(cert.caId(), cert.serialHex())).fetchOne();
            if (existing != null && "reserved".equals(existing.getStatus())) {
                throw new InvalidRecordException("certificate " + cert.caId() + "/" + cert.serialHex()
                        + " is not the one reserved: its tbsCertificate differs from the reserved bytes");
            }
            if (existing == null) {
                if (!w.tx().fetchExists(CA, CA.ID.eq(cert.caId()))) {
                    throw new NotFoundException("CA", cert.caId());
                }
                CertificateRow row = w.tx().newRecord(CERTIFICATE);
                row.setCaId(cert.caId());
                row.setSerial(cert.serialHex());
                row.setReservedAt(w.now().toEpochMilli());
                fill(row, cert, w.now());
                row.insert();
            } else {
                throw new DuplicateSerialException(cert.caId(), cert.serialHex());
            }
            w.audit(entry);
            return null;
        });
    }

    /**
     * Marks a certificate revoked ({@link RevocationStore#revoke}, which also bumps the CA's
     * revocation generation). @throws NotFoundException if no such certificate is stored
     * @throws RevocationConflictException if it is already revoked
     */
    public void revoke(String caId, String serialHex, String reason, Instant at, AuditEvent event) {
        Checks.notBlank(reason, "revocation reason");
        Checks.notNull(at, "revocation time");
        int code = dev.signet.ca.RevocationReason.parse(reason)
                .orElseThrow(() -> new InvalidRecordException("unknown revocation reason '" + reason + "'")).code();
        new RevocationStore(db).revoke(caId, serialHex, code, null, at, event);
    }

    /** The stored (signed) certificate; reserved serials that were never stored are not returned. */
    public Optional<CertificateRecord> find(String caId, String serialHex) {
        return db.read(dsl -> dsl.selectFrom(CERTIFICATE)
                .where(key(caId, serialHex)).and(CERTIFICATE.STATUS.ne("reserved"))
                .fetchOptional().map(CertificateStore::toRecord));
    }

    /** Whether the CA has used this serial, reserved or stored. */
    public boolean serialUsed(String caId, String serialHex) {
        return db.read(dsl -> dsl.fetchExists(CERTIFICATE, key(caId, serialHex)));
    }

    /** Certificates matching the query, ordered by notAfter then serial. */
    public Page<CertificateRecord> search(CertificateQuery q) {
        List<Condition> where = new ArrayList<>();
        where.add(CERTIFICATE.STATUS.ne("reserved"));
        if (q.caId() != null) {
            where.add(CERTIFICATE.CA_ID.eq(q.caId()));
        }
        if (q.text() != null && !q.text().isEmpty()) {
            String pattern = "%" + escapeLike(q.text().toLowerCase(java.util.Locale.ROOT)) + "%";
            where.add(DSL.lower(CERTIFICATE.SUBJECT).like(pattern, '!')
                    .or(DSL.lower(CERTIFICATE.SANS).like(pattern, '!')));
        }
        if (q.serial() != null) {
            where.add(CERTIFICATE.SERIAL.eq(q.serial()));
        }
        if (q.status() != null) {
            where.add(CERTIFICATE.STATUS.eq(q.status()));
        }
        if (q.expiringBefore() != null) {
            where.add(CERTIFICATE.NOT_AFTER.lt(q.expiringBefore().toEpochMilli()));
        }
        if (q.notExpiredAt() != null) {
            where.add(CERTIFICATE.NOT_AFTER.gt(q.notExpiredAt().toEpochMilli()));
        }
        if (q.profile() != null) {
            where.add(CERTIFICATE.PROFILE.eq(q.profile()));
        }
        if (!q.excludeProfiles().isEmpty()) {
            where.add(CERTIFICATE.PROFILE.notIn(q.excludeProfiles()));
        }
        List<org.jooq.SortField<?>> order = q.order() == CertificateQuery.Order.NEWEST
                ? List.of(CERTIFICATE.ISSUED_AT.desc(), CERTIFICATE.CA_ID.asc(), CERTIFICATE.SERIAL.asc())
                : List.of(CERTIFICATE.NOT_AFTER.asc(), CERTIFICATE.CA_ID.asc(), CERTIFICATE.SERIAL.asc());
        return db.read(dsl -> {
            long total = dsl.fetchCount(CERTIFICATE, where);
            List<CertificateRecord> items = dsl.selectFrom(CERTIFICATE).where(where)
                    .orderBy(order)
                    .limit(q.limit()).offset(q.offset())
                    .fetch(CertificateStore::toRecord);
            return new Page<>(items, q.offset(), q.limit(), total);
        });
    }

    private static int storeReserved(WriteContext w, CertificateRecord c, byte[] tbs) {
        try {
            return w.execute(w.hot().storeReserved, c.status(), c.der(), c.subject(), String.join("\n", c.sans()),
                    c.notBefore().toEpochMilli(), c.notAfter().toEpochMilli(), c.profile(), c.keyAlgorithm(), c.requester(),
                    w.now().toEpochMilli(), c.revokedAt() == null ? null : c.revokedAt().toEpochMilli(),
                    c.revocationReason(), c.caId(), c.serialHex(), tbs);
        } catch (SQLException e) {
            throw new StoreException("cannot store certificate " + c.serialHex() + ": " + e.getMessage(), e);
        }
    }

    private static Condition key(String caId, String serialHex) {
        return CERTIFICATE.CA_ID.eq(caId).and(CERTIFICATE.SERIAL.eq(serialHex));
    }

    private static void fill(CertificateRow row, CertificateRecord cert, Instant now) {
        row.setStatus(cert.status());
        row.setDer(cert.der());
        row.setSubject(cert.subject());
        row.setSans(String.join("\n", cert.sans()));
        row.setNotBefore(cert.notBefore().toEpochMilli());
        row.setNotAfter(cert.notAfter().toEpochMilli());
        row.setProfile(cert.profile());
        row.setKeyAlgorithm(cert.keyAlgorithm());
        row.setRequester(cert.requester());
        row.setIssuedAt(now.toEpochMilli());
        row.setRevokedAt(cert.revokedAt() == null ? null : cert.revokedAt().toEpochMilli());
        row.setRevocationReason(cert.revocationReason());
    }

    private static CertificateRecord toRecord(CertificateRow r) {
        String sans = r.getSans();
        return new CertificateRecord(r.getCaId(), r.getSerial(), r.getDer(), r.getSubject(),
                sans == null || sans.isEmpty() ? List.of() : Arrays.asList(sans.split("\n")),
                Instant.ofEpochMilli(r.getNotBefore()), Instant.ofEpochMilli(r.getNotAfter()), r.getProfile(),
                r.getKeyAlgorithm(), r.getRequester(), r.getStatus(),
                r.getRevokedAt() == null ? null : Instant.ofEpochMilli(r.getRevokedAt()), reasonName(r));
    }

    /** The reason as named by the API: stored as its CRLReason code since V6, as text before. */
    private static String reasonName(CertificateRow r) {
        if (r.getRevokedAt() == null) {
            return null;
        }
        Integer code = r.getRevocationCode();
        return code != null ? dev.signet.ca.RevocationReason.ofCode(code).apiName() : r.getRevocationReason();
    }

    private static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** Audit details for a stored certificate, for callers that want the usual fields. */
    public static String issuedDetails(CertificateRecord cert) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("subject", cert.subject());
        d.put("profile", cert.profile());
        d.put("notAfter", cert.notAfter().toString());
        d.put("sans", cert.sans());
        return CanonicalJson.write(d);
    }
}
