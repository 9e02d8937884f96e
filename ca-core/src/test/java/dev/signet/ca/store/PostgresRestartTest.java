package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.StoreException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The database restarts under a running store: meanwhile the store says it is down and writes
 * fail cleanly; afterwards reads and writes work again without reopening anything. The test runs
 * a PostgreSQL cluster of its own (the repository's {@code test-postgres} script), so that
 * stopping it disturbs no other test.
 */
@Tag("postgres-only")
class PostgresRestartTest {

    private static PrivatePostgres postgres;

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
    void after_the_database_restarts_the_store_reads_and_writes_again_and_says_down_meanwhile() throws Exception {
        try (Database db = Database.open(postgres.config(), StoreSettings.defaults())) {
            CaStore cas = new CaStore(db);
            cas.create(Fixtures.rootCa("before"), AuditEvent.of("admin", "ca.create", "ca", "before"));
            db.check();

            postgres.stop();
            assertThrows(DatabaseUnavailableException.class, db::check);
            assertThrows(DatabaseUnavailableException.class, () -> cas.create(Fixtures.rootCa("during"),
                    AuditEvent.of("admin", "ca.create", "ca", "during")));

            postgres.startAgain();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    db.check();
                    break;
                } catch (StoreException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            // The writer thread survived its failed batch and reconnects on the next one.
            cas.create(Fixtures.rootCa("after"), AuditEvent.of("admin", "ca.create", "ca", "after"));
            assertEquals(List.of("after", "before"), cas.list().stream().map(CaRecord::id).sorted().toList());
            assertEquals(2, new AuditLog(db).list(0, 10).total(), "the failed write left no audit entry");
        }
    }
}
