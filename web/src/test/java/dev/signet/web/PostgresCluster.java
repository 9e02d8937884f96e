package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL cluster for one test class, made and started by the repository's
 * {@code test-postgres} script on a free loopback port (trust authentication, database
 * {@code signet_test}), stopped and restartable by the test.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The repository's script, from web/ (surefire) or from the repository root (exec:java). */
    private static final Path SCRIPT = Files.isRegularFile(Path.of("test-postgres")) ? Path.of("test-postgres").toAbsolutePath()
            : Path.of("..", "test-postgres").toAbsolutePath().normalize();

    private final Path dir;
    private final int port;
    private final String url;

    private final boolean durable;

    private PostgresCluster(Path dir, int port, String url, boolean durable) {
        this.dir = dir;
        this.port = port;
        this.url = url;
        this.durable = durable;
    }

    /**
     * Makes and starts a cluster in a fresh directory of its own (not under a JUnit temporary
     * directory: those are private to this user, and as root the cluster runs as {@code postgres}).
     */
    public static PostgresCluster start() throws Exception {
        return start(false);
    }

    /** As {@link #start()}; {@code durable}: fsync on (benchmarks), else off (tests: faster, same results). */
    public static PostgresCluster start(boolean durable) throws Exception {
        Path parent = Files.createTempDirectory("signet-pg-");
        Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = parent.resolve("cluster");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = run(durable, "start", dir.toString(), Integer.toString(port)).strip();
        assertTrue(url.startsWith("jdbc:postgresql://"), url);
        return new PostgresCluster(dir, port, url, durable);
    }

    public String url() {
        return url;
    }

    /** CPU time of the server and its backends so far (backends that exited are not counted). */
    public Duration cpu() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        Duration total = postmaster.info().totalCpuDuration().orElse(Duration.ZERO);
        for (ProcessHandle child : postmaster.descendants().toList()) {
            total = total.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return total;
    }

    /** The URL of another database on this server, created now. */
    public String newDatabase(String name) throws Exception {
        psql("CREATE DATABASE " + name);
        return url.substring(0, url.lastIndexOf('/') + 1) + name;
    }

    /** {@code psql} as the superuser on the test database (for roles and grants). */
    public String psql(String sql) throws Exception {
        String bin = Files.list(Path.of("/usr/lib/postgresql")).sorted().reduce((a, b) -> b).orElseThrow().resolve("bin/psql").toString();
        boolean root = "root".equals(System.getProperty("user.name"));
        ProcessBuilder pb = root
                ? new ProcessBuilder("runuser", "-u", "postgres", "--", bin, "-h", dir.toString(), "-p", Integer.toString(port),
                        "-U", "postgres", "-d", "signet_test", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
                : new ProcessBuilder(bin, "-h", dir.toString(), "-p", Integer.toString(port), "-U", "postgres", "-d", "signet_test",
                        "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "psql failed: " + out);
        return out;
    }

    /** Stops the server (fast shutdown: clients are disconnected), as an operator's restart does. */
    public void stop() throws Exception {
        run(durable, "stop", dir.toString());
    }

    /** Starts it again on the same port. */
    public void startAgain() throws Exception {
        run(durable, "start", dir.toString(), Integer.toString(port));
    }

    @Override
    public void close() throws Exception {
        stop();
        new ProcessBuilder("rm", "-rf", dir.getParent().toString()).start().waitFor(60, TimeUnit.SECONDS);
    }

    private static String run(boolean durable, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = SCRIPT.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SIGNET_PG_FSYNC", durable ? "on" : "off");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "test-postgres " + String.join(" ", args) + ": " + out);
        return out;
    }
}
