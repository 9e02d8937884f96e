package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.TSA;
import static dev.signet.ca.store.schema.Tables.TSA_CERTIFICATE;
import static dev.signet.ca.store.schema.Tables.TSA_TOKEN;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.StoreException;
import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.schema.tables.records.TsaRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /** Appends an event that changes no stored TSA data (an external CA's revocation seen on this node) to the audit chain. */
    public void audit(AuditEvent event) {
        new SecurityEvents(db).record(event);
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

    /**
     * Writes one audit entry ({@code tsa.rejections}) per TSA and reason for an interval's
     * rejections, all in one transaction: a flood of bad queries costs one entry per reason.
     */
    public void recordRejections(List<TsaRejections> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        db.write(w -> {
            for (TsaRejections r : rejections) {
                w.audit(new AuditEvent("signet", "tsa.rejections", "tsa", r.tsaName(), CanonicalJson.write(Map.of(
                        "reason", r.reason(), "count", r.count(), "from", r.from().toString(), "to", r.to().toString()))));
            }
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
            List<String> unused = new ArrayList<>();
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
     * commit, on the store's TSA completion thread (never on the writer thread). It fails with
     * {@link StoreException} if the serial was used, and with {@link NotFoundException} if the TSA
     * is unknown or not active. Argument errors are thrown at once.
     *
     * <p>Tokens queued for one TSA while the writer is busy are recorded by one write of the next
     * batch ({@link TokenGroup}): a row and an audit entry per token, as before, but one update of
     * the TSA's counters and one savepoint for them all, as issuance shares one commit.
     */
    public CompletableFuture<Void> recordAsync(TsaTokenRecord token) {
        Checks.notNull(token, "token");
        String details = details(token);
        AuditEntryDraft entry = AuditEntryDraft.ofCanonical(new AuditEvent(token.requester(), "timestamp.issue", "timestamp",
                token.tsaName() + "/" + token.serialHex(), details), details);
        Queued q = new Queued(token, entry, new CompletableFuture<>());
        groups.computeIfAbsent(token.tsaName(), TokenGroup::new).add(q);
        return q.done();
    }

    /**
     * The audit details of a token, {@code genTime}, {@code hashAlgorithm}, {@code imprint} (hex) and
     * {@code policy}, written in canonical JSON directly (the members are in canonical order): one
     * of these per token, and building a map for {@link CanonicalJson#write} and parsing it back
     * cost several microseconds each.
     */
    static String details(TsaTokenRecord token) {
        return "{\"genTime\":" + CanonicalJson.quote(token.genTime().toString())
                + ",\"hashAlgorithm\":" + CanonicalJson.quote(token.hashAlgorithm())
                + ",\"imprint\":\"" + HexFormat.of().formatHex(token.imprint())
                + "\",\"policy\":" + CanonicalJson.quote(token.policy()) + "}";
    }

    /** A token waiting for its group's write. */
    private record Queued(TsaTokenRecord token, AuditEntryDraft entry, CompletableFuture<Void> done) {
    }

    private final Map<String, TokenGroup> groups = new ConcurrentHashMap<>();

    /**
     * Where the futures of a committed group complete: one hand-off from the writer per group
     * instead of one per token, and what callers chain on them (the HTTP reply, say) runs here,
     * never on the writer thread. One thread, so such a stage must not wait for another token.
     */
    private static final Executor COMPLETIONS = completionThread();

    private static Executor completionThread() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "signet-tsa-recorded");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The tokens of one TSA waiting for the writer. At most one write for them is queued at a time;
     * when the writer runs it, it takes every token queued by then, up to the audit checkpoint
     * interval (the writer checkpoints after a write, so one write must not add more entries than a
     * checkpoint may be late by).
     */
    private final class TokenGroup {
        private final String tsaName;
        private final ConcurrentLinkedQueue<Queued> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean writeQueued = new AtomicBoolean();

        TokenGroup(String tsaName) {
            this.tsaName = tsaName;
        }

        void add(Queued q) {
            waiting.add(q);
            submitIfNone();
        }

        private void submitIfNone() {
            if (writeQueued.compareAndSet(false, true)) {
                GroupWrite write = new GroupWrite(this);
                db.submit(write).whenCompleteAsync(write::complete, COMPLETIONS);
            }
        }
    }

    /** One write of a group's tokens: runs on the writer thread, in the batch transaction. */
    private final class GroupWrite implements WriteQueue.Write<boolean[]> {
        private final TokenGroup group;
        /** What this write took off the queue; kept, so that a batch run again (PostgreSQL) takes the same. */
        private List<Queued> taken;

        GroupWrite(TokenGroup group) {
            this.group = group;
        }

        @Override
        public boolean[] run(WriteContext w) {
            if (taken == null) {
                // Cleared before taking, so that a token added after the take has a write of its own.
                group.writeQueued.set(false);
                int limit = db.settings().checkpointInterval();
                taken = new ArrayList<>();
                for (Queued q; taken.size() < limit && (q = group.waiting.poll()) != null; ) {
                    taken.add(q);
                }
                if (!group.waiting.isEmpty()) {
                    group.submitIfNone();
                }
            }
            return record(w, group.tsaName, taken);
        }

        /** After the commit (or the failure): each token's own outcome. */
        void complete(boolean[] recorded, Throwable failure) {
            if (taken == null) {
                // Never ran (the store is closed): nothing will take the tokens waiting now.
                group.writeQueued.set(false);
                taken = new ArrayList<>();
                for (Queued q; (q = group.waiting.poll()) != null; ) {
                    taken.add(q);
                }
            }
            for (int i = 0; i < taken.size(); i++) {
                CompletableFuture<Void> done = taken.get(i).done();
                if (failure != null) {
                    // The write or its commit failed: nothing of it is stored.
                    done.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
                } else if (recorded[i]) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new StoreException("TSA '" + group.tsaName + "' has already used serial "
                            + taken.get(i).token().serialHex()));
                }
            }
        }
    }

    /**
     * Records {@code tokens} of TSA {@code tsaName}: a row and an audit entry for each whose serial
     * is new, then the TSA's counters once. Returns which were recorded; a serial used before is
     * skipped (its caller fails, the others go on). Throws, so that the write rolls back whole, if
     * the TSA is unknown or not active.
     */
    private static boolean[] record(WriteContext w, String tsaName, List<Queued> tokens) {
        boolean[] recorded = new boolean[tokens.size()];
        long count = 0;
        long lastGenTime = Long.MIN_VALUE;
        try {
            for (int i = 0; i < tokens.size(); i++) {
                TsaTokenRecord token = tokens.get(i).token();
                long genTime = token.genTime().toEpochMilli();
                if (w.execute(w.hot().recordTimestamp, tsaName, token.serialHex(), genTime, token.hashAlgorithm(),
                        token.imprint(), token.policy(), token.requester()) == 0) {
                    continue;
                }
                w.audit(tokens.get(i).entry());
                recorded[i] = true;
                count++;
                lastGenTime = Math.max(lastGenTime, genTime);
            }
            if (count > 0 && w.execute(w.hot().countTimestamps, count, lastGenTime, tsaName) == 0) {
                throw new NotFoundException("active TSA", tsaName);
            }
        } catch (SQLException e) {
            if (SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) {
                throw new NotFoundException("TSA", tsaName);
            }
            throw new StoreException("cannot record time-stamp tokens of TSA '" + tsaName + "': " + e.getMessage(), e);
        }
        return recorded;
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
