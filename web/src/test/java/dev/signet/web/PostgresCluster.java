package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL cluster for one test class, made and started by the repository's
 * {@code test-postgres} script on a free loopback port (trust authentication, database
 * {@code signet_test}), stopped and restartable by the test.
 */
public final class PostgresCluster implements AutoCloseable {

    private static final Path SCRIPT = Path.of("..", "test-postgres").toAbsolutePath().normalize();

    private final Path dir;
    private final int port;
    private final String url;

    private PostgresCluster(Path dir, int port, String url) {
        this.dir = dir;
        this.port = port;
        this.url = url;
    }

    /**
     * Makes and starts a cluster in a fresh directory of its own (not under a JUnit temporary
     * directory: those are private to this user, and as root the cluster runs as {@code postgres}).
     */
    public static PostgresCluster start() throws Exception {
        Path parent = Files.createTempDirectory("signet-pg-");
        Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = parent.resolve("cluster");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = run("start", dir.toString(), Integer.toString(port)).strip();
        assertTrue(url.startsWith("jdbc:postgresql://"), url);
        return new PostgresCluster(dir, port, url);
    }

    public String url() {
        return url;
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
        run("stop", dir.toString());
    }

    /** Starts it again on the same port. */
    public void startAgain() throws Exception {
        run("start", dir.toString(), Integer.toString(port));
    }

    @Override
    public void close() throws Exception {
        stop();
        new ProcessBuilder("rm", "-rf", dir.getParent().toString()).start().waitFor(60, TimeUnit.SECONDS);
    }

    private static String run(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = SCRIPT.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "test-postgres " + String.join(" ", args) + ": " + out);
        return out;
    }
}
