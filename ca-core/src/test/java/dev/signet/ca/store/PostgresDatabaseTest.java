package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditVerification;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several Signet processes on one PostgreSQL database, played by several {@link Database}s in one
 * JVM on one schema: each has its own writer, pool and group commit, exactly as two nodes do, so
 * only the database keeps them in order.
 */
@Tag("postgres-only")
class PostgresDatabaseTest {

    @RegisterExtension
    static final SoftwareAuditSigner AUDIT = new SoftwareAuditSigner();

    private static StoreSettings signed() {
        return StoreSettings.defaults().withAuditSigner(AUDIT.signer(), 50);
    }

    @Test
    void two_nodes_issuing_at_once_build_one_audit_chain_that_verifies() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        try (Database a = Database.open(config, signed()); Database b = Database.open(config, signed())) {
            new CaStore(a).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            CertificateStore[] stores = {new CertificateStore(a), new CertificateStore(b)};
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            AtomicInteger next = new AtomicInteger(0x1000);
            for (int t = 0; t < 8; t++) {
                CertificateStore store = stores[t % 2];
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String s = Integer.toHexString(next.incrementAndGet());
                        store.store(Fixtures.cert("root", s), Fixtures.issued("root", s));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(a.commitCount() > 0 && b.commitCount() > 0, "both nodes committed");
        }
        try (Database db = Database.open(config, StoreSettings.defaults());
                Connection c = connect(config); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM audit_entry")) {
            r.next();
            long entries = 1 + 8 * 40;
            assertEquals(entries, r.getLong(1));
            assertEquals(entries, r.getLong(2), "no duplicate sequence number");
            assertEquals(1, r.getLong(3));
            assertEquals(entries, r.getLong(4), "no gap");
            AuditVerification v = new AuditLog(db).verify(AUDIT.signer().keys(), dev.signet.ca.AuditExpectations.chainOnly(Instant.now()));
            assertTrue(v.intact(), "the chain verifies: " + v.firstBreak());
            assertEquals(entries, v.entriesChecked());
        }
    }

    @Test
    void the_same_serial_reserved_on_two_nodes_at_once_is_given_to_one_of_them() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        try (Database a = Database.open(config, StoreSettings.defaults()); Database b = Database.open(config, StoreSettings.defaults())) {
            new CaStore(a).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            for (int i = 1; i <= 20; i++) {
                String serial = Integer.toHexString(0x100 + i);
                List<Future<Boolean>> tries = new ArrayList<>();
                for (Database db : List.of(a, b)) {
                    Callable<Boolean> reserve = () -> {
                        try {
                            new CertificateStore(db).reserve("root", serial, Fixtures.tbs(serial), "tls-server", "alice");
                            return true;
                        } catch (DuplicateSerialException e) {
                            return false;
                        }
                    };
                    tries.add(pool.submit(reserve));
                }
                int won = 0;
                for (Future<Boolean> f : tries) {
                    won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, won, "serial " + serial);
            }
            pool.shutdown();
        }
    }

    @Test
    void only_one_node_holds_the_crl_lease_of_a_ca() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        try (Database a = Database.open(config, StoreSettings.defaults()); Database b = Database.open(config, StoreSettings.defaults())) {
            new CaStore(a).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            Instant now = Instant.now();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Boolean> fa = pool.submit(() -> new RevocationStore(a).tryLease("root", "node-a", now, now.plusSeconds(60)));
            Future<Boolean> fb = pool.submit(() -> new RevocationStore(b).tryLease("root", "node-b", now, now.plusSeconds(60)));
            boolean gotA = fa.get(30, TimeUnit.SECONDS);
            boolean gotB = fb.get(30, TimeUnit.SECONDS);
            pool.shutdown();
            assertTrue(gotA ^ gotB, "exactly one lease holder: a " + gotA + ", b " + gotB);
            // When the holder's lease runs out, the other takes over.
            Instant later = now.plusSeconds(61);
            Database other = gotA ? b : a;
            assertTrue(new RevocationStore(other).tryLease("root", gotA ? "node-b" : "node-a", later, later.plusSeconds(60)));
        }
    }

    @Test
    void two_nodes_starting_on_an_empty_database_migrate_it_once() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Database> fa = pool.submit(() -> Database.open(config, StoreSettings.defaults()));
        Future<Database> fb = pool.submit(() -> Database.open(config, StoreSettings.defaults()));
        try (Database a = fa.get(120, TimeUnit.SECONDS); Database b = fb.get(120, TimeUnit.SECONDS)) {
            new CaStore(a).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            assertTrue(new CaStore(b).find("root").isPresent());
        } finally {
            pool.shutdown();
        }
        try (Connection c = connect(config)) {
            List<String> applied = Migrations.appliedVersions(c);
            assertEquals(applied.stream().distinct().toList(), applied, "each script once: " + applied);
            assertTrue(applied.containsAll(List.of("1", "2", "3", "6", "7", "9", "10")), applied.toString());
        }
    }

    @Test
    void a_unique_violation_is_recognised_by_its_sqlstate() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        Database.open(config, StoreSettings.defaults()).close();
        try (Connection c = connect(config); Statement s = c.createStatement()) {
            String insert = "INSERT INTO app_user (username, password_hash, role, created_at, disabled) "
                    + "VALUES ('alice', 'x', 'admin', 0, FALSE)";
            s.executeUpdate(insert);
            SQLException dup = assertThrows(SQLException.class, () -> s.executeUpdate(insert));
            assertEquals(SqlErrors.UNIQUE_VIOLATION, SqlErrors.of(dup), dup.getMessage());
            SQLException fk = assertThrows(SQLException.class, () -> s.executeUpdate(
                    "INSERT INTO ui_session (id_hash, username, csrf_token, created_at, last_seen_at, expires_at) "
                            + "VALUES ('h', 'nobody', 'c', 0, 0, 0)"));
            assertEquals(SqlErrors.FOREIGN_KEY_VIOLATION, SqlErrors.of(fk), fk.getMessage());
        }
    }

    @Test
    void binary_columns_are_bytea_on_postgresql() throws Exception {
        DatabaseConfig config = TestDatabases.postgresConfig(TestDatabases.newSchema());
        Database.open(config, StoreSettings.defaults()).close();
        try (Connection c = connect(config); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT data_type FROM information_schema.columns "
                        + "WHERE table_schema = current_schema() AND table_name = 'certificate' AND column_name = 'der'")) {
            assertTrue(r.next());
            assertEquals("bytea", r.getString(1));
        }
    }

    static Connection connect(DatabaseConfig config) throws SQLException {
        return DriverManager.getConnection(((DatabaseConfig.Postgres) config).url(), System.getProperty("signet.test.postgresUser", "postgres"), "");
    }
}
