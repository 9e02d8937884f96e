package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The independent programs the web tests check with (openssl, pdfsig, certutil...), run to the end
 * with their output and error merged. A program that does not finish within a minute fails the test.
 */
public final class Commands {

    private static final long TIMEOUT_SECONDS = 60;

    private Commands() {}

    /** Runs {@code command} in {@code dir}; fails the test unless it exits 0. Returns what it printed. */
    public static String run(Path dir, String... command) throws Exception {
        Process p = start(dir, command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    /**
     * Runs {@code command} in {@code dir} and returns what it printed, whatever its exit code (for
     * programs whose verdict is in their text, such as {@code openssl ocsp} and {@code pdfsig}).
     */
    public static String output(Path dir, String... command) throws Exception {
        Process p = start(dir, command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
        return out;
    }

    /** {@code openssl} with {@code args}, in {@code dir}: its output, whatever its exit code. */
    public static String openssl(Path dir, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        return output(dir, command);
    }

    private static Process start(Path dir, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            b.directory(dir.toFile());
        }
        return b.start();
    }
}
