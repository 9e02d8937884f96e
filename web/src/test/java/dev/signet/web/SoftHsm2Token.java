package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The SoftHSM2 tokens of the web tests. SoftHSM2 reads its slots when the library is first loaded,
 * so a token made after that (by a second test class in the same JVM) is not seen: the first test
 * to ask makes one fresh token for every use listed in {@link Use}, before any load, and each test
 * class takes its own (servers on one token would clash over the demo CAs' key labels).
 */
public final class SoftHsm2Token {

    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN = "87654321";

    /** Who uses a token: one each. Add a constant here for a new test class on pkcs11. */
    public enum Use { SERVER, DATA_KEYS, NODES, UI_NODES, FIRST_START, RESPONDER, PG_NODES }

    private static java.util.Map<Use, String> labels;

    private SoftHsm2Token() {}

    /** The label of the token for {@code use}, making all the tokens on first use. */
    public static synchronized String label(Use use) throws Exception {
        if (labels != null) {
            return labels.get(use);
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        assertNotNull(conf, "surefire sets SOFTHSM2_CONF (see web/pom.xml)");
        assertTrue(Files.isRegularFile(LIBRARY), "SoftHSM2 is not installed: apt-get install softhsm2");
        Path confFile = Path.of(conf);
        Path tokens = confFile.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        java.util.Map<Use, String> made = new java.util.EnumMap<>(Use.class);
        for (Use u : Use.values()) {
            String fresh = "web-" + u.ordinal() + "-" + System.nanoTime(); // at most 32 characters
            Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", fresh,
                    "--so-pin", "12345678", "--pin", PIN).redirectErrorStream(true).start();
            String out = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0, out);
            made.put(u, fresh);
        }
        labels = made;
        return labels.get(use);
    }

    /** A configuration file for {@code serve} on the shared token, with its PIN in a file beside it. */
    static Path config(Path dir, Use use, int sessions) throws Exception {
        String token = label(use);
        Path pin = dir.resolve("pin");
        Files.writeString(pin, PIN);
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "hsm:\n  backend: pkcs11\n  pkcs11:\n    library: " + LIBRARY + "\n    tokenLabel: " + token
                + "\n    pinFile: " + pin + "\n    sessions: " + sessions + "\n");
        return config;
    }

    /**
     * The {@code hsm:} settings for {@code serve} on the token for {@code use}, with its PIN in a
     * file in {@code dir}: several nodes on one token each get these.
     */
    public static String settings(Path dir, Use use) throws Exception {
        String token = label(use);
        Path pin = dir.resolve("pin-" + use.name().toLowerCase(java.util.Locale.ROOT));
        Files.writeString(pin, PIN);
        return "hsm:\n  backend: pkcs11\n  pkcs11:\n    library: " + LIBRARY + "\n    tokenLabel: " + token
                + "\n    pinFile: " + pin + "\n";
    }
}
