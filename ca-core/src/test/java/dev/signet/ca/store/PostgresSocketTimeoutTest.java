package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.DatabaseUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL server that stops answering must not hold a request thread forever. A statement
 * that waits on a lock held by another session gets no byte back from the server, exactly as one
 * sent to a stopped server or across a partitioned network does; with a socket timeout of 2 s it
 * fails as "database unavailable" within that bound, and the store works again once the server
 * answers. The bounds asserted are generous (15 s), so a loaded machine does not make them flaky.
 */
@Tag("postgres-only")
class PostgresSocketTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Far above the timeout: without it the statement would wait until the lock is released, i.e. for ever. */
    private static final long BOUND_SECONDS = 15;

    @Test
    void a_write_whose_statement_gets_no_answer_fails_as_unavailable_within_the_socket_timeout() throws Exception {
        DatabaseConfig.Postgres config = TestDatabases.postgresConfig(TestDatabases.newSchema()).withSocketTimeout(TIMEOUT);
        try (Database db = Database.open(config, StoreSettings.defaults()); Connection holder = plain(config)) {
            CaStore cas = new CaStore(db);
            // Another session holds the writers' advisory lock (as a node stopped mid-batch would):
            // the batch's first statement, pg_advisory_xact_lock, gets no answer.
            execute(holder, "SELECT pg_advisory_lock(" + Dialect.WRITER_LOCK + ")");
            long start = System.nanoTime();
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> cas.create(Fixtures.rootCa("during"),
                    AuditEvent.of("admin", "ca.create", "ca", "during")));
            Throwable failure;
            try {
                failure = assertThrows(ExecutionException.class, () -> write.get(BOUND_SECONDS, TimeUnit.SECONDS),
                        "the write must fail within " + BOUND_SECONDS + " s, not wait for the server").getCause();
            } finally {
                execute(holder, "SELECT pg_advisory_unlock_all()");
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(DatabaseUnavailableException.class, failure, failure.toString());
            assertFalse(((DatabaseUnavailableException) failure).maybeStored(), "it never reached its commit");
            assertTrue(waited >= TIMEOUT.toMillis() - 200, "it waited for the timeout first (" + waited + " ms)");

            // The writer dropped the connection that timed out and opens a new one for the next batch.
            cas.create(Fixtures.rootCa("after"), AuditEvent.of("admin", "ca.create", "ca", "after"));
            assertEquals(List.of("after"), cas.list().stream().map(CaRecord::id).toList(), "the failed write stored nothing");
        }
    }

    @Test
    void a_read_whose_statement_gets_no_answer_fails_as_unavailable_within_the_socket_timeout() throws Exception {
        String schema = TestDatabases.newSchema();
        DatabaseConfig.Postgres config = TestDatabases.postgresConfig(schema).withSocketTimeout(TIMEOUT);
        try (Database db = Database.open(config, StoreSettings.defaults()); Connection holder = plain(config)) {
            CaStore cas = new CaStore(db);
            cas.create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            // A table lock no reader can get past: the SELECT waits with no answer, as on a stopped server.
            holder.setAutoCommit(false);
            execute(holder, "LOCK TABLE " + schema + ".ca IN ACCESS EXCLUSIVE MODE");
            long start = System.nanoTime();
            CompletableFuture<List<CaRecord>> read = CompletableFuture.supplyAsync(cas::list);
            Throwable failure;
            try {
                failure = assertThrows(ExecutionException.class, () -> read.get(BOUND_SECONDS, TimeUnit.SECONDS),
                        "the read must fail within " + BOUND_SECONDS + " s, not wait for the server").getCause();
            } finally {
                holder.rollback();
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(DatabaseUnavailableException.class, failure, failure.toString());
            assertTrue(waited >= TIMEOUT.toMillis() - 200, "it waited for the timeout first (" + waited + " ms)");

            // The pool replaced the connection the driver closed; reads and the health check answer again.
            assertEquals(List.of("root"), cas.list().stream().map(CaRecord::id).toList());
            db.check();
        }
    }

    @Test
    void the_start_lock_waits_out_a_first_start_longer_than_the_socket_timeout() throws Exception {
        // A second node waits for the first node's first start, which may take longer than the
        // socket timeout (keys generated in the HSM): the wait itself must not time out.
        DatabaseConfig.Postgres config = TestDatabases.postgresConfig(TestDatabases.newSchema())
                .withSocketTimeout(Duration.ofSeconds(1));
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (Connection firstNode = plain(config)) {
            execute(firstNode, "SELECT pg_advisory_lock(" + StartLock.ADVISORY_KEY + ")");
            later.schedule(() -> {
                execute(firstNode, "SELECT pg_advisory_unlock(" + StartLock.ADVISORY_KEY + ")");
                return null;
            }, 3, TimeUnit.SECONDS);
            long start = System.nanoTime();
            try (StartLock lock = CompletableFuture.supplyAsync(() -> StartLock.acquire(config))
                    .get(BOUND_SECONDS, TimeUnit.SECONDS)) {
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= 2_500, "it waited for the first node (" + waited + " ms)");
                // Held now: the first node cannot take it back.
                assertEquals(false, query(firstNode, "SELECT pg_try_advisory_lock(" + StartLock.ADVISORY_KEY + ")"));
            }
        } finally {
            later.shutdownNow();
        }
    }

    private static Connection plain(DatabaseConfig.Postgres config) throws SQLException {
        return DriverManager.getConnection(config.url(), config.user(), "");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getBoolean(1);
        }
    }
}
