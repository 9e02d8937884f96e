package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.PrivatePostgres;
import dev.signet.ca.store.StoreSettings;
import dev.signet.ca.store.TsaRecord;
import dev.signet.ca.store.TsaStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SigningKeys;
import dev.signet.hsm.software.SoftwareHsm;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key generated in the HSM for a record whose write failed: destroyed when the write certainly
 * stored nothing, kept when the commit got no answer and so may have been stored. The commit is
 * held on the server by synchronous replication to a standby that does not exist (a cluster of the
 * test's own, since it is a server-wide setting): PostgreSQL has committed the transaction locally
 * and waits; the client's socket timeout gives up first, and once the setting is reset the
 * transaction is there. Destroying the key then would leave a stored TSA whose key is gone.
 */
@Tag("postgres-only")
class UnconfirmedWriteTest {

    private static final String POLICY = "1.3.6.1.4.1.99999.1.1";
    private static PrivatePostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = PrivatePostgres.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void a_tsa_key_is_kept_when_the_commit_of_its_record_got_no_answer_and_the_record_is_stored() throws Exception {
        try (SoftwareHsm hsm = SoftwareHsm.open(dir.resolve("hsm"), pass());
                Database db = Database.open(postgres.config().withSocketTimeout(Duration.ofSeconds(2)), StoreSettings.defaults())) {
            SigningKeys keys = hsm.signingKeys(KeyPurpose.TIMESTAMPING);
            TimeStampAuthorities tsas = tsas(hsm, db, "held");
            holdCommits(true);
            CaException failure;
            try {
                failure = assertThrows(CaException.class, () -> tsas.createMissing(null, "admin"));
            } finally {
                holdCommits(false);
            }
            assertTrue(DatabaseUnavailableException.maybeStored(failure), "reported as possibly stored: " + failure);

            // Released, the server finishes the commit: the TSA is stored, and its key must still be there.
            TsaRecord stored = awaitStored(new TsaStore(db), "held");
            assertTrue(keys.find(stored.keyLabel()).isPresent(), "the stored TSA's key " + stored.keyLabel() + " is in the HSM");
            assertEquals(List.of(stored.keyLabel()), labels(keys));
        }
    }

    @Test
    void a_tsa_key_is_destroyed_when_its_write_failed_before_the_commit() throws Exception {
        try (SoftwareHsm hsm = SoftwareHsm.open(dir.resolve("hsm"), pass());
                Database db = Database.open(postgres.config().withSocketTimeout(Duration.ofSeconds(2)), StoreSettings.defaults());
                Connection holder = postgres.connect()) {
            SigningKeys keys = hsm.signingKeys(KeyPurpose.TIMESTAMPING);
            TimeStampAuthorities tsas = tsas(hsm, db, "blocked");
            // Another session holds the writers' lock: the batch's first statement gets no answer,
            // so the transaction never reached its commit and stored nothing.
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT pg_advisory_lock(" + PrivatePostgres.WRITER_LOCK + ")");
            }
            CaException failure;
            try {
                failure = assertThrows(CaException.class, () -> tsas.createMissing(null, "admin"));
            } finally {
                try (Statement s = holder.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock_all()");
                }
            }
            assertFalse(DatabaseUnavailableException.maybeStored(failure), failure.toString());
            assertTrue(new TsaStore(db).find("blocked").isEmpty(), "nothing stored");
            assertEquals(List.of(), labels(keys), "the key of the TSA that was not stored is destroyed");
        }
    }

    @Test
    void a_root_whose_pending_record_got_no_answer_keeps_its_key_and_is_not_removed() throws Exception {
        try (SoftwareHsm hsm = SoftwareHsm.open(dir.resolve("hsm"), pass());
                Database db = Database.open(postgres.config().withSocketTimeout(Duration.ofSeconds(2)), StoreSettings.defaults())) {
            SigningKeys keys = hsm.signingKeys(KeyPurpose.CA);
            CertificateAuthorities cas = new CertificateAuthorities(keys, hsm.signingKeys(KeyPurpose.DOCUMENT),
                    new CaStore(db), new CertificateStore(db), Profiles.builtIn(), Clock.systemUTC());
            holdCommits(true);
            CaException failure;
            try {
                failure = assertThrows(CaException.class, () -> cas.createRoot(new NewCa("Held Root", "CN=Held Root",
                        KeyAlgorithm.EC_P256, null, null, "http://pki.test"), "admin"));
            } finally {
                holdCommits(false);
            }
            assertTrue(DatabaseUnavailableException.maybeStored(failure), "reported as possibly stored: " + failure);

            // The pending record was committed after all: it stays (nothing may remove a record it
            // cannot see), and so does the key it names.
            CaStore store = new CaStore(db);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (store.find("held-root").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            var stored = store.find("held-root").orElseThrow(() -> new AssertionError("the held commit never completed"));
            assertEquals("pending", stored.status());
            assertEquals(List.of(stored.keyLabel()), labels(keys), "the pending root's key is in the HSM");
        }
    }

    private static TimeStampAuthorities tsas(SoftwareHsm hsm, Database db, String name) {
        CertificateAuthorities cas = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT),
                new CaStore(db), new CertificateStore(db), Profiles.builtIn(), Clock.systemUTC());
        // Certified by an external CA: creating it is one write, the one under test.
        TsaSettings s = new TsaSettings(name, POLICY, Duration.ZERO, false, KeyAlgorithm.EC_P256, "CN=" + name, null, true);
        return new TimeStampAuthorities(hsm.signingKeys(KeyPurpose.TIMESTAMPING), hsm.backendName(), cas, new TsaStore(db),
                List.of(s), Clock.systemUTC());
    }

    /** Makes every commit wait for a synchronous standby that never comes, or stops that. */
    private static void holdCommits(boolean hold) throws Exception {
        postgres.execute(hold ? "ALTER SYSTEM SET synchronous_standby_names = 'nobody'" : "ALTER SYSTEM RESET synchronous_standby_names");
        postgres.execute("SELECT pg_reload_conf()");
        // The postmaster signals every backend once it has read the file; a new session seeing the
        // value means the writer's backend has the reload pending before its next statement.
        String want = hold ? "nobody" : "";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Connection c = postgres.connect(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SHOW synchronous_standby_names")) {
                r.next();
                if (want.equals(r.getString(1))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not take synchronous_standby_names = '" + want + "'");
            }
            Thread.sleep(50);
        }
    }

    private static TsaRecord awaitStored(TsaStore store, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        Optional<TsaRecord> r;
        while ((r = store.find(name)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return r.orElseThrow(() -> new AssertionError("the held commit never completed"));
    }

    private static List<String> labels(SigningKeys keys) {
        return keys.list().stream().map(KeyInfo::label).sorted().toList();
    }

    private static SecretSource pass() {
        return new SecretSource.Env("P", Map.of("P", "test passphrase for the fixture"));
    }
}
