package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import dev.signet.hsm.SecretSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own (the repository's {@code test-postgres} script), for tests
 * that change what the whole server does (its configuration, its state) and so must disturb no
 * other test's database.
 */
public final class PrivatePostgres implements AutoCloseable {

    /** The advisory lock key Signet's writers take per batch, for tests that hold it from outside. */
    public static final long WRITER_LOCK = Dialect.WRITER_LOCK;

    private static final Path SCRIPT = Path.of("..", "test-postgres").toAbsolutePath().normalize();

    private final Path cluster;
    private final int port;
    private final String url;

    private PrivatePostgres(Path cluster, int port, String url) {
        this.cluster = cluster;
        this.port = port;
        this.url = url;
    }

    public static PrivatePostgres start() throws IOException, InterruptedException {
        Path cluster = Files.createTempDirectory("signet-pg-private");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return new PrivatePostgres(cluster, port, run("start", cluster.toString(), Integer.toString(port)).strip());
    }

    public DatabaseConfig.Postgres config() {
        return new DatabaseConfig.Postgres(url, "postgres", new SecretSource.Env("P", Map.of("P", "unused: trust authentication")));
    }

    /** A plain connection as the superuser, in auto-commit mode. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /** Runs {@code sql} on a connection of its own. */
    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Stops the server (a database that went away); {@link #startAgain} brings it back on the same port. */
    public void stop() throws IOException, InterruptedException {
        run("stop", cluster.toString());
    }

    public void startAgain() throws IOException, InterruptedException {
        run("start", cluster.toString(), Integer.toString(port));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("stop", cluster.toString());
        try (Stream<Path> files = Files.walk(cluster)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("test-postgres " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
