package dev.signet.ca.store;

import dev.signet.ca.AuditQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.NotFoundException;
import dev.signet.ca.StoreException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditVerification;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Tokens recorded together: one write per TSA and batch, a row and an audit entry per token, each caller its own outcome. */
class TsaStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-02T01:00:00Z");
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    private static final int CHECKPOINT_INTERVAL = 10;

    @RegisterExtension
    static final SoftwareAuditSigner AUDIT = new SoftwareAuditSigner();

    @TempDir
    Path dir;

    private Database open() {
        return TestDatabases.open(dir.resolve("signet.db"), StoreSettings.defaults().withAuditSigner(AUDIT.signer(), CHECKPOINT_INTERVAL));
    }

    private static TsaRecord tsa(String name, String status) {
        return new TsaRecord(name, null, status, "tsa-" + name, "software", "EC_P256", PEM, PEM, null, T0, 0, null);
    }

    private static TsaTokenRecord token(String tsa, int i) {
        return new TsaTokenRecord(tsa, Integer.toHexString(0x1000 + i), T0.plusMillis(i), "SHA-256", new byte[32], "1.2.3",
                "public");
    }

    @Test
    void tokens_queued_together_are_each_recorded_and_audited_and_a_reused_serial_fails_alone() throws Exception {
        try (Database db = open()) {
            TsaStore store = new TsaStore(db);
            store.create(tsa("a", TsaRecord.ACTIVE), AuditEvent.of("admin", "tsa.create", "tsa", "a"));
            store.create(tsa("b", TsaRecord.ACTIVE), AuditEvent.of("admin", "tsa.create", "tsa", "b"));
            store.recordAsync(token("a", 0)).join();
            long commitsBefore = db.commitCount();

            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            CompletableFuture<Void> gate = db.submit(w -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            // More tokens than the checkpoint interval, for two TSAs, and one serial used before.
            List<CompletableFuture<Void>> good = new ArrayList<>();
            for (int i = 1; i <= 25; i++) {
                good.add(store.recordAsync(token("a", i)));
                good.add(store.recordAsync(token("b", i)));
            }
            CompletableFuture<Void> reused = store.recordAsync(token("a", 0));
            release.countDown();
            gate.join();
            for (CompletableFuture<Void> f : good) {
                f.join();
            }
            CompletionException e = assertThrows(CompletionException.class, reused::join);
            assertInstanceOf(StoreException.class, e.getCause());

            assertEquals(26, store.find("a").orElseThrow().tokensIssued());
            assertEquals(25, store.find("b").orElseThrow().tokensIssued());
            assertEquals(T0.plusMillis(25), store.find("a").orElseThrow().lastGenTime());
            for (int i = 0; i <= 25; i++) {
                assertTrue(store.findToken("a", Integer.toHexString(0x1000 + i)).isPresent());
            }
            AuditLog audit = new AuditLog(db);
            assertEquals(51, audit.list(new AuditQuery(null, "timestamp.issue", null, null, 0, 100)).total());
            assertEquals(1, audit.list(new AuditQuery(null, "timestamp.issue", "timestamp", "a/1000", 0, 10)).total());
            // The writer took each TSA's tokens in writes of at most one checkpoint interval (10, 10,
            // then the rest: three batches after the held one), so the signed checkpoints still come
            // at least every two intervals and the chain verifies.
            assertTrue(db.commitCount() - commitsBefore <= 4, "commits: " + (db.commitCount() - commitsBefore));
            AuditVerification v = audit.verify();
            assertTrue(v.intact(), String.valueOf(v.firstBreak()));
        }
    }

    @Test
    void a_tokens_audit_details_are_the_canonical_json_of_its_fields() {
        TsaTokenRecord t = new TsaTokenRecord("a", "1a2b", T0.plusMillis(7), "SHA-512", new byte[] {0, 1, (byte) 0xfe},
                "1.3.6.1.4.1.99999.1", "r\u00e9quester \"q\"");
        Map<String, Object> fields = new java.util.HashMap<>();
        fields.put("policy", t.policy());
        fields.put("imprint", "0001fe");
        fields.put("hashAlgorithm", t.hashAlgorithm());
        fields.put("genTime", t.genTime().toString());
        String details = TsaStore.details(t);
        assertEquals(dev.signet.ca.audit.CanonicalJson.write(fields), details);
        assertEquals(details, dev.signet.ca.audit.CanonicalJson.canonicalizeObject(details));
    }

    @Test
    void tokens_of_a_tsa_that_is_not_active_fail_and_leave_nothing() {
        try (Database db = open()) {
            TsaStore store = new TsaStore(db);
            store.create(tsa("p", TsaRecord.PENDING), AuditEvent.of("admin", "tsa.create", "tsa", "p"));
            long entries = new AuditLog(db).list(0, 1).total();
            CompletionException e = assertThrows(CompletionException.class, () -> store.recordAsync(token("p", 1)).join());
            assertInstanceOf(NotFoundException.class, e.getCause());
            e = assertThrows(CompletionException.class, () -> store.recordAsync(token("nobody", 1)).join());
            assertInstanceOf(NotFoundException.class, e.getCause());
            assertTrue(store.findToken("p", Integer.toHexString(0x1001)).isEmpty());
            assertEquals(0, store.find("p").orElseThrow().tokensIssued());
            assertEquals(entries, new AuditLog(db).list(0, 1).total());
        }
    }
}
