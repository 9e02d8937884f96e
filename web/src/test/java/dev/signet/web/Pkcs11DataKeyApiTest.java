package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-key API with the keys in a SoftHSM2 token (fails, never skips, without SoftHSM2). */
class Pkcs11DataKeyApiTest extends DataKeyConformance {

    static final Path LIBRARY = SoftHsm2Token.LIBRARY;
    static final String PIN = SoftHsm2Token.PIN;

    @TempDir
    static Path dir;

    static TestServer server;
    static String tokenLabel;

    @BeforeAll
    static void start() throws Exception {
        tokenLabel = SoftHsm2Token.label(SoftHsm2Token.Use.DATA_KEYS);
        Path config = SoftHsm2Token.config(dir, SoftHsm2Token.Use.DATA_KEYS, 4);
        server = TestServer.of(SignetServer.start(new ConfigLoader(Map.of()).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pkcs11_tool_lists_every_key_version_as_a_sensitive_non_extractable_token_object() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        assertEquals(200, server.postJson("/api/v1/keys/data/" + k.name() + "/rotate", admin(), Map.of()).statusCode());
        Process p = new ProcessBuilder("pkcs11-tool", "--module", LIBRARY.toString(), "--token-label", tokenLabel,
                "--login", "--pin", PIN, "--list-objects", "--type", "secrkey").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        // One block per object, starting "Secret Key Object"; find each version's by its label.
        List<String> blocks = List.of(out.split("(?m)^(?=Secret Key Object)"));
        for (int v = 1; v <= 2; v++) {
            String label = "datakey." + k.name() + ".v" + v;
            String block = blocks.stream().filter(b -> b.lines().anyMatch(l -> l.trim().startsWith("label:")
                    && l.trim().endsWith(label))).findFirst().orElse(null);
            assertNotNull(block, label + " is a token object:\n" + out);
            assertTrue(block.contains("AES"), block);
            assertTrue(block.contains("never extractable"), block);
            assertTrue(block.contains("sensitive"), block);
            String access = block.lines().filter(l -> l.trim().startsWith("Access:")).findFirst().orElse("");
            assertFalse(access.replace("never extractable", "").contains("extractable"), "not extractable: " + access);
        }
    }

    @Override
    TestServer server() {
        return server;
    }
}
