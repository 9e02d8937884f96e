package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.StoreException;
import dev.signet.hsm.SecretSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private static final Path SCRIPT = Path.of("..", "test-postgres").toAbsolutePath().normalize();
    private static Path cluster;
    private static int port;
    private static String url;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = Files.createTempDirectory("signet-pg-restart");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        url = run("start", cluster.toString(), Integer.toString(port)).strip();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            run("stop", cluster.toString());
            try (java.util.stream.Stream<Path> files = Files.walk(cluster)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void after_the_database_restarts_the_store_reads_and_writes_again_and_says_down_meanwhile() throws Exception {
        DatabaseConfig config = new DatabaseConfig.Postgres(url, "postgres", new SecretSource.Env("P", Map.of("P", "unused")));
        try (Database db = Database.open(config, StoreSettings.defaults())) {
            CaStore cas = new CaStore(db);
            cas.create(Fixtures.rootCa("before"), AuditEvent.of("admin", "ca.create", "ca", "before"));
            db.check();

            run("stop", cluster.toString());
            assertThrows(DatabaseUnavailableException.class, db::check);
            assertThrows(DatabaseUnavailableException.class, () -> cas.create(Fixtures.rootCa("during"),
                    AuditEvent.of("admin", "ca.create", "ca", "during")));

            run("start", cluster.toString(), Integer.toString(port));
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

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("test-postgres " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
