package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.TSA;
import static dev.signet.ca.store.schema.Tables.TSA_TOKEN;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.StoreException;
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
