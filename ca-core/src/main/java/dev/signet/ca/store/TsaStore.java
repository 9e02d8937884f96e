package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.TSA;
import static dev.signet.ca.store.schema.Tables.TSA_CERTIFICATE;
import static dev.signet.ca.store.schema.Tables.TSA_TOKEN;

import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.schema.tables.records.TsaRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Time-stamp authorities and their tokens. A token is {@link #recordAsync recorded} with its audit
 * entry in one write of the store's group commit, so that many tokens in flight share one fsync;
 * the primary key (TSA, serial) refuses a serial used before, by this process or another on the
 * same database.
 */
public final class TsaStore {

    private final Database db;

    public TsaStore(Database db) {
        this.db = db;
    }

    /** Stores a new TSA. @throws AlreadyExistsException if the name is taken; @throws NotFoundException for an unknown CA */
    public void create(TsaRecord tsa, AuditEvent event) {
        Checks.notNull(tsa, "TSA");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            if (w.tx().fetchExists(TSA, TSA.NAME.eq(tsa.name()))) {
                throw new AlreadyExistsException("TSA", tsa.name());
            }
            if (tsa.caId() != null && !w.tx().fetchExists(dev.signet.ca.store.schema.Tables.CA,
                    dev.signet.ca.store.schema.Tables.CA.ID.eq(tsa.caId()))) {
                throw new NotFoundException("CA", tsa.caId());
            }
            TsaRow row = w.tx().newRecord(TSA);
            fill(row, tsa);
            row.setTokensIssued(0L);
            row.setLastGenTime(null);
            row.insert();
            w.audit(event);
            return null;
        });
    }

    /** Replaces a TSA's status, certificate, chain and CSR (its counters are left as they are). */
    public void update(TsaRecord tsa, AuditEvent event) {
        Checks.notNull(tsa, "TSA");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            TsaRow row = w.tx().selectFrom(TSA).where(TSA.NAME.eq(tsa.name())).fetchOne();
            if (row == null) {
                throw new NotFoundException("TSA", tsa.name());
            }
            fill(row, tsa);
            row.update();
            w.audit(event);
            return null;
        });
    }

    /** A re-key's new key, waiting for an external CA's certificate for its CSR. */
    public record NextKey(String keyLabel, String csrPem) {}

    /**
     * Replaces a TSA's key and certificate ({@code tsa}, status active) if its key is still
     * {@code expectedKeyLabel}: the certificate in use moves to the TSA's history ({@code previous},
     * key state destroying), a waiting next key is cleared, and the audit entry and the change
     * generation go in the same transaction.
     *
     * @throws TsaChangedException if the TSA is not active under {@code expectedKeyLabel} any more
     */
    public void rekey(TsaRecord tsa, String expectedKeyLabel, TsaCertificateRecord previous, AuditEvent event) {
        Checks.notNull(tsa, "TSA");
        Checks.notNull(previous, "previous certificate");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            TsaRow row = current(w, tsa.name(), expectedKeyLabel);
            insertHistory(w, previous);
            fill(row, tsa);
            row.setNextKeyLabel(null);
            row.setNextCsrPem(null);
            row.update();
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.TSAS);
            return null;
        });
    }

    /**
     * Records a re-key's new key and CSR for an external CA while the current key stamps on;
     * returns the label of the next key it replaces, if one was waiting (to be destroyed).
     *
     * @throws TsaChangedException if the TSA is not active under {@code expectedKeyLabel} any more
     */
    public Optional<String> setNextKey(String name, String expectedKeyLabel, NextKey next, AuditEvent event) {
        Checks.notNull(next, "next key");
        Checks.notNull(event, "audit event");
        return db.write(w -> {
            TsaRow row = current(w, name, expectedKeyLabel);
            Optional<String> replaced = Optional.ofNullable(row.getNextKeyLabel());
            row.setNextKeyLabel(next.keyLabel());
            row.setNextCsrPem(next.csrPem());
            row.update();
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.TSAS);
            return replaced;
        });
    }

    /** The new key a re-key for an external CA made, while it waits for its certificate. */
    public Optional<NextKey> nextKey(String name) {
        return db.read(dsl -> dsl.select(TSA.NEXT_KEY_LABEL, TSA.NEXT_CSR_PEM).from(TSA).where(TSA.NAME.eq(name))
                .and(TSA.NEXT_KEY_LABEL.isNotNull()).fetchOptional(r -> new NextKey(r.value1(), r.value2())));
    }

    /**
     * Retires a TSA: status retired, its retirement time set, its certificate (if it had one) in its
     * history with key state destroying, a waiting next key cleared; audited, in one transaction.
     * Its record, counters and tokens stay. Returns the labels of the keys it no longer needs.
     *
     * @throws TsaChangedException if it is retired already
     */
    public List<String> retire(String name, AuditEvent event) {
        Checks.notNull(event, "audit event");
        return db.write(w -> {
            TsaRow row = w.tx().selectFrom(TSA).where(TSA.NAME.eq(name)).fetchOne();
            if (row == null) {
                throw new NotFoundException("TSA", name);
            }
            if (TsaRecord.RETIRED.equals(row.getStatus())) {
                throw new TsaChangedException("TSA '" + name + "' is retired already");
            }
            List<String> unused = new java.util.ArrayList<>();
            unused.add(row.getKeyLabel());
            if (row.getCertificatePem() != null) {
                insertHistory(w, new TsaCertificateRecord(name, row.getKeyLabel(), row.getCaId(), row.getCertificatePem(),
                        row.getChainPem(), w.now(), TsaCertificateRecord.DESTROYING));
            }
            if (row.getNextKeyLabel() != null) {
                unused.add(row.getNextKeyLabel());
            }
            row.setStatus(TsaRecord.RETIRED);
            row.setRetiredAt(w.now().toEpochMilli());
            row.setNextKeyLabel(null);
            row.setNextCsrPem(null);
            row.update();
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.TSAS);
            return unused;
        });
    }

    /** When the TSA was retired, or empty while it is not. */
    public Optional<Instant> retiredAt(String name) {
        return db.read(dsl -> dsl.select(TSA.RETIRED_AT).from(TSA).where(TSA.NAME.eq(name)).and(TSA.RETIRED_AT.isNotNull())
                .fetchOptional(r -> Instant.ofEpochMilli(r.value1())));
    }

    /** The certificates the TSA used before, newest first. */
    public List<TsaCertificateRecord> previousCertificates(String name) {
        return db.read(dsl -> dsl.selectFrom(TSA_CERTIFICATE).where(TSA_CERTIFICATE.TSA_NAME.eq(name))
                .orderBy(TSA_CERTIFICATE.REPLACED_AT.desc(), TSA_CERTIFICATE.KEY_LABEL)
                .fetch(r -> new TsaCertificateRecord(r.getTsaName(), r.getKeyLabel(), r.getCaId(), r.getCertificatePem(),
                        r.getChainPem(), Instant.ofEpochMilli(r.getReplacedAt()), r.getKeyState())));
    }

    /** Notes that a replaced key is destroyed in the HSM, with its audit entry. */
    public void keyDestroyed(String name, String keyLabel, AuditEvent event) {
        Checks.notNull(event, "audit event");
        db.write(w -> {
            w.tx().update(TSA_CERTIFICATE).set(TSA_CERTIFICATE.KEY_STATE, TsaCertificateRecord.DESTROYED)
                    .where(TSA_CERTIFICATE.TSA_NAME.eq(name)).and(TSA_CERTIFICATE.KEY_LABEL.eq(keyLabel)).execute();
            w.audit(event);
            return null;
        });
    }

    private static TsaRow current(WriteContext w, String name, String expectedKeyLabel) {
        TsaRow row = w.tx().selectFrom(TSA).where(TSA.NAME.eq(name)).fetchOne();
        if (row == null) {
            throw new NotFoundException("TSA", name);
        }
        if (!TsaRecord.ACTIVE.equals(row.getStatus()) || !row.getKeyLabel().equals(expectedKeyLabel)) {
            throw new TsaChangedException("TSA '" + name + "' was re-keyed or retired meanwhile");
        }
        return row;
    }

    private static void insertHistory(WriteContext w, TsaCertificateRecord c) {
        w.tx().insertInto(TSA_CERTIFICATE)
                .set(TSA_CERTIFICATE.TSA_NAME, c.tsaName())
                .set(TSA_CERTIFICATE.KEY_LABEL, c.keyLabel())
                .set(TSA_CERTIFICATE.CA_ID, c.caId())
                .set(TSA_CERTIFICATE.CERTIFICATE_PEM, c.certificatePem())
                .set(TSA_CERTIFICATE.CHAIN_PEM, c.chainPem())
                .set(TSA_CERTIFICATE.REPLACED_AT, c.replacedAt().toEpochMilli())
                .set(TSA_CERTIFICATE.KEY_STATE, c.keyState())
                .execute();
    }

    public Optional<TsaRecord> find(String name) {
        return db.read(dsl -> dsl.selectFrom(TSA).where(TSA.NAME.eq(name)).fetchOptional().map(TsaStore::toRecord));
    }

    /** All TSAs, by name. */
    public List<TsaRecord> list() {
        return db.read(dsl -> dsl.selectFrom(TSA).orderBy(TSA.NAME).fetch(TsaStore::toRecord));
    }

    /** The recorded token, if {@code tsaName} issued one under {@code serialHex}. */
    public Optional<TsaTokenRecord> findToken(String tsaName, String serialHex) {
        return db.read(dsl -> dsl.selectFrom(TSA_TOKEN)
                .where(TSA_TOKEN.TSA_NAME.eq(tsaName)).and(TSA_TOKEN.SERIAL.eq(serialHex))
                .fetchOptional()
                .map(r -> new TsaTokenRecord(r.getTsaName(), r.getSerial(), Instant.ofEpochMilli(r.getGenTime()),
                        r.getHashAlgorithm(), r.getImprint(), r.getPolicy(), r.getRequester())));
    }

    /**
     * Records a token and its audit entry ({@code timestamp.issue}); the future completes after the
     * commit. It fails with {@link StoreException} if the serial was used, and with
     * {@link NotFoundException} if the TSA is unknown or not active. Argument errors are thrown at once.
     */
    public CompletableFuture<Void> recordAsync(TsaTokenRecord token) {
        Checks.notNull(token, "token");
        byte[] imprint = token.imprint();
        String serialHex = token.serialHex();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("genTime", token.genTime().toString());
        details.put("hashAlgorithm", token.hashAlgorithm());
        details.put("imprint", HexFormat.of().formatHex(imprint));
        details.put("policy", token.policy());
        AuditEntryDraft entry = AuditEntryDraft.of(new AuditEvent(token.requester(), "timestamp.issue", "timestamp",
                token.tsaName() + "/" + serialHex, CanonicalJson.write(details)));
        long genTime = token.genTime().toEpochMilli();
        return db.submit(w -> {
            try {
                if (w.execute(w.hot().recordTimestamp, token.tsaName(), serialHex, genTime, token.hashAlgorithm(), imprint,
                        token.policy(), token.requester()) == 0) {
                    throw new StoreException("TSA '" + token.tsaName() + "' has already used serial " + serialHex);
                }
                if (w.execute(w.hot().countTimestamp, genTime, token.tsaName()) == 0) {
                    throw new NotFoundException("active TSA", token.tsaName());
                }
            } catch (SQLException e) {
                if (SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) {
                    throw new NotFoundException("TSA", token.tsaName());
                }
                throw new StoreException("cannot record time-stamp token " + serialHex + ": " + e.getMessage(), e);
            }
            w.audit(entry);
            return null;
        });
    }

    private static void fill(TsaRow row, TsaRecord tsa) {
        row.setName(tsa.name());
        row.setCaId(tsa.caId());
        row.setStatus(tsa.status());
        row.setKeyLabel(tsa.keyLabel());
        row.setKeyBackend(tsa.keyBackend());
        row.setKeyAlgorithm(tsa.keyAlgorithm());
        row.setCertificatePem(tsa.certificatePem());
        row.setChainPem(tsa.chainPem());
        row.setCsrPem(tsa.csrPem());
        row.setCreatedAt(tsa.created().toEpochMilli());
    }

    private static TsaRecord toRecord(TsaRow r) {
        return new TsaRecord(r.getName(), r.getCaId(), r.getStatus(), r.getKeyLabel(), r.getKeyBackend(),
                r.getKeyAlgorithm(), r.getCertificatePem(), r.getChainPem(), r.getCsrPem(),
                Instant.ofEpochMilli(r.getCreatedAt()), r.getTokensIssued(),
                r.getLastGenTime() == null ? null : Instant.ofEpochMilli(r.getLastGenTime()));
    }
}
