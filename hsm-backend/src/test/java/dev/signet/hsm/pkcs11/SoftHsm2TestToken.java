package dev.signet.hsm.pkcs11;

import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The SoftHSM2 token the tests of this JVM share.
 *
 * <p>SoftHSM2 reads {@code SOFTHSM2_CONF} from the process environment once, when the library is
 * first initialised, and Java cannot set its own environment: Surefire sets the variable (see
 * hsm-backend/pom.xml) and this class creates that file, a fresh token directory and the tokens
 * before any test loads the library. The library stays loaded for the life of the JVM, so there is
 * one token per test JVM and every test uses labels of its own ({@link #uniqueLabel}).
 *
 * <p>If SoftHSM2 is missing, every test that asks for the token fails: these tests never skip.
 */
public final class SoftHsm2TestToken {

    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String TOKEN_LABEL = "signet-test";
    public static final String USER_PIN = "test-user-pin-1234";
    /** A second token that no test logs in to, so that a wrong PIN is really checked by the token. */
    public static final String PIN_CHECK_TOKEN_LABEL = "signet-pin-check";
    /** The conformance suite's token, which it empties before each test (it wants an empty backend). */
    public static final String CONFORMANCE_TOKEN_LABEL = "signet-conformance";
    private static final String SO_PIN = "test-so-pin-5678";

    private static final AtomicInteger LABELS = new AtomicInteger();
    private static boolean initialised;

    private SoftHsm2TestToken() {
    }

    /** A config for the shared test token with {@code sessions} pooled sessions. */
    public static HsmConfig.Pkcs11 config(int sessions) {
        ensureInitialised();
        return new HsmConfig.Pkcs11(LIBRARY, TOKEN_LABEL, pin(USER_PIN), sessions);
    }

    public static HsmConfig.Pkcs11 config() {
        return config(4);
    }

    /** The conformance suite's token. */
    public static HsmConfig.Pkcs11 conformanceConfig() {
        ensureInitialised();
        return new HsmConfig.Pkcs11(LIBRARY, CONFORMANCE_TOKEN_LABEL, pin(USER_PIN), 4);
    }

    /** A PIN source that does not depend on this process's real environment. */
    public static SecretSource pin(String pin) {
        return new SecretSource.Env("SIGNET_TEST_PKCS11_PIN", Map.of("SIGNET_TEST_PKCS11_PIN", pin));
    }

    /** A label no other test in this JVM uses. */
    public static String uniqueLabel(String prefix) {
        return prefix + "-" + LABELS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    public static synchronized void ensureInitialised() {
        if (initialised) {
            return;
        }
        if (!Files.isRegularFile(LIBRARY)) {
            throw new AssertionError("SoftHSM2 is not installed: " + LIBRARY
                    + " is missing (Debian package softhsm2; ./test installs it)");
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || conf.isBlank()) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run these tests through Maven, whose Surefire"
                    + " configuration in hsm-backend/pom.xml sets it");
        }
        Path confFile = Path.of(conf).toAbsolutePath();
        Path tokens = confFile.getParent().resolve("tokens");
        try {
            deleteTree(tokens);
            Files.createDirectories(tokens);
            Files.writeString(confFile, "# written by SoftHsm2TestToken for this test run\n"
                    + "directories.tokendir = " + tokens + "\n"
                    + "objectstore.backend = file\n"
                    + "log.level = ERROR\n"
                    + "slots.removable = false\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot prepare the SoftHSM2 token directory " + tokens, e);
        }
        initToken(confFile, TOKEN_LABEL);
        initToken(confFile, PIN_CHECK_TOKEN_LABEL);
        initToken(confFile, CONFORMANCE_TOKEN_LABEL);
        initialised = true;
    }

    private static void initToken(Path confFile, String label) {
        ProcessResult r = run(Map.of("SOFTHSM2_CONF", confFile.toString()), "softhsm2-util", "--init-token", "--free",
                "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN);
        if (r.exitCode() != 0) {
            throw new AssertionError("softhsm2-util --init-token failed (" + r.exitCode() + "): " + r.output());
        }
    }

    public record ProcessResult(int exitCode, String output) {
    }

    /** Runs a command with extra environment variables; its stderr is merged into the output. */
    public static ProcessResult run(Map<String, String> env, String... command) {
        return run(env, true, command);
    }

    /**
     * Runs a command and returns its stdout alone, for output that is parsed: tools such as
     * pkcs11-tool print warnings on stderr that would otherwise land in the middle of a line.
     * On failure the stderr text is appended to the output, for the error message.
     */
    public static ProcessResult runStdoutOnly(Map<String, String> env, String... command) {
        return run(env, false, command);
    }

    private static ProcessResult run(Map<String, String> env, boolean mergeStderr, String... command) {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(mergeStderr);
        pb.environment().putAll(env);
        Path stderr = null;
        try {
            if (!mergeStderr) {
                stderr = Files.createTempFile("signet-tool-", ".err");
                pb.redirectError(stderr.toFile());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command[0] + " did not finish within 120 s");
            }
            if (stderr != null && p.exitValue() != 0) {
                out = out + Files.readString(stderr, StandardCharsets.UTF_8);
            }
            return new ProcessResult(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command[0], e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
