package dev.signet.ca.store;

import static dev.signet.ca.store.Fixtures.cert;
import static dev.signet.ca.store.Fixtures.issued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path dir;

    @Test
    void writes_queued_together_share_one_transaction_and_a_failing_one_fails_alone() throws Exception {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            CertificateStore certs = new CertificateStore(db);
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            certs.store(cert("root", "d0d"), issued("root", "d0d"));

            long commitsBefore = db.commitCount();
            // Hold the writer so that everything below is queued and drained as one batch.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            CompletableFuture<Void> gate = db.submit(w -> {
                holding.countDown();
                await(release);
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));

            List<CompletableFuture<Void>> good = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                good.add(certs.storeAsync(cert("root", Integer.toHexString(i)), issued("root", Integer.toHexString(i))));
            }
            CompletableFuture<Void> duplicate = certs.storeAsync(cert("root", "d0d"), issued("root", "d0d"));
            CompletableFuture<Void> badDetails = certs.storeAsync(cert("root", "ff"),
                    new AuditEvent("alice", "certificate.issue", "certificate", "root/ff", "[1,2]"));
            // A write that inserts and then blows up mid-way: its insert must not survive.
            CompletableFuture<Void> halfDone = db.submit(w -> {
                w.tx().insertInto(dev.signet.ca.store.schema.Tables.CERTIFICATE)
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.CA_ID, "root")
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.SERIAL, "abcdef")
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.STATUS, "reserved")
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.PROFILE, "tls-server")
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.REQUESTER, "x")
                        .set(dev.signet.ca.store.schema.Tables.CERTIFICATE.RESERVED_AT, 0L)
                        .execute();
                w.audit(AuditEvent.of("x", "test", "certificate", "root/abcdef"));
                throw new IllegalStateException("boom");
            });
            for (int i = 21; i <= 30; i++) {
                good.add(certs.storeAsync(cert("root", Integer.toHexString(i)), issued("root", Integer.toHexString(i))));
            }
            release.countDown();
            gate.join();

            for (CompletableFuture<Void> f : good) {
                f.join();
            }
            assertInstanceOf(DuplicateSerialException.class, cause(duplicate));
            assertInstanceOf(InvalidRecordException.class, cause(badDetails));
            assertInstanceOf(IllegalStateException.class, cause(halfDone));

            for (int i = 1; i <= 30; i++) {
                assertTrue(certs.find("root", Integer.toHexString(i)).isPresent(), "certificate " + i);
            }
            assertTrue(certs.find("root", "ff").isEmpty());
            assertTrue(!certs.serialUsed("root", "abcdef"), "the failed write's insert was rolled back");
            AuditLog audit = new AuditLog(db);
            // 1 CA + 1 first store + 30 good stores, and nothing of the failed ones
            assertEquals(32, audit.list(0, 1).total());
            assertTrue(audit.verify().intact(), String.valueOf(audit.verify().firstBreak()));
            assertEquals(commitsBefore + 2, db.commitCount(), "the gate's batch, then one batch for all 33 queued writes");
        }
    }

    @Test
    void many_threads_storing_at_once_all_get_their_certificates_stored() throws Exception {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            CertificateStore certs = new CertificateStore(db);
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            int threads = 8;
            int each = 50;
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int base = t * 1000 + 1;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            String serial = Integer.toHexString(base + i);
                            certs.reserve("root", serial, Fixtures.tbs(serial), "tls-server", "alice");
                            certs.store(cert("root", serial), issued("root", serial));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                workers.add(th);
                th.start();
            }
            for (Thread th : workers) {
                th.join();
            }
            assertEquals(List.of(), errors);
            assertEquals(threads * each, certs.search(new CertificateQuery("root", null, null, null, null, 0, 1)).total());
            AuditLog audit = new AuditLog(db);
            assertEquals(1 + 2L * threads * each, audit.list(0, 1).total());
            assertTrue(audit.verify().intact());
        }
    }

    @Test
    void a_closed_database_refuses_writes() {
        Database db = TestDatabases.open(dir.resolve("signet.db"));
        db.close();
        StoreException e = assertThrows(StoreException.class,
                () -> new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root")));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void two_programs_writing_one_database_file_keep_one_unbroken_chain() {
        // The command line creates tokens while a server runs on the same data directory.
        Path file = dir.resolve("signet.db");
        try (Database server = TestDatabases.open(file); Database cli = TestDatabases.open(file)) {
            new CaStore(server).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            CertificateStore certs = new CertificateStore(server);
            AccessStore access = new AccessStore(cli);
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                String s = Integer.toHexString(i);
                pending.add(certs.storeAsync(cert("root", s), issued("root", s)));
                if (i % 10 == 0) {
                    access.createToken("cli-" + i, "auditor", java.util.Set.of(), null, "cli");
                }
            }
            pending.forEach(CompletableFuture::join);
            assertEquals(4, new AccessStore(server).listTokens().size());
            AuditLog audit = new AuditLog(server);
            assertEquals(1 + 40 + 4, audit.list(0, 1).total());
            assertTrue(audit.verify().intact(), String.valueOf(audit.verify().firstBreak()));
        }
    }

    @Test
    void waiting_for_a_write_inside_a_write_callback_is_refused_instead_of_deadlocking() {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            CertificateStore certs = new CertificateStore(db);
            // Hold the writer until the callback is attached, so that it runs when the writer completes
            // the reservation (attached to an already completed future, it would run on this thread).
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            db.submit(w -> {
                holding.countDown();
                await(release);
                return null;
            });
            await(holding);
            CompletableFuture<Void> chained = certs.reserveAsync("root", "1", Fixtures.tbs("1"), "tls-server", "alice")
                    .thenRun(() -> certs.store(cert("root", "1"), issued("root", "1")));
            release.countDown();
            assertInstanceOf(IllegalStateException.class, cause(chained));
            // the async chain is the way, and it works
            certs.reserveAsync("root", "2", Fixtures.tbs("2"), "tls-server", "alice")
                    .thenCompose(v -> certs.storeAsync(cert("root", "2"), issued("root", "2"))).join();
            assertTrue(certs.find("root", "2").isPresent());
        }
    }

    private static Throwable cause(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
