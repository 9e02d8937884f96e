package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on the pkcs11 backend over a fresh SoftHSM2 token, configured with the same keys as
 * samples/config/hsm-softhsm2.example.yaml: the demo CAs' keys are made in the token, a certificate
 * is issued over HTTP, and a restart finds everything again. Needs SoftHSM2 (fails without it).
 */
class Pkcs11ServerTest {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    @TempDir
    Path dir;

    @Test
    void the_server_runs_on_a_softhsm2_token_and_keeps_its_cas_there_across_restarts() throws Exception {
        // The token is made with the other test classes' before SoftHSM2 is first loaded (see SoftHsm2Token).
        Path config = SoftHsm2Token.config(dir, SoftHsm2Token.Use.SERVER, 2);
        ConfigLoader loader = new ConfigLoader(Map.of());
        Path data = dir.resolve("data");
        String admin;
        try (TestServer h = TestServer.of(SignetServer.start(loader.load(config, data, 0), console()))) {
            assertEquals("pkcs11", h.server.services().hsm().backendName());
            admin = h.token("admin");
            String officer = h.token("officer");
            String issuing = null;
            for (JsonNode ca : TestServer.json(h.get("/api/v1/cas", admin))) {
                assertEquals("pkcs11", ca.get("keyBackend").asText());
                if (ca.hasNonNull("parentId")) {
                    issuing = ca.get("id").asText();
                }
            }
            HttpResponse<String> r = h.postJson("/api/v1/cas/" + issuing + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("pkcs11.example.com")));
            assertEquals(201, r.statusCode(), r.body());
        }
        try (TestServer h = TestServer.of(SignetServer.start(loader.load(config, data, 0), console()))) {
            HttpResponse<String> keys = h.get("/api/v1/keys", admin);
            assertEquals(200, keys.statusCode(), keys.body());
            JsonNode list = TestServer.json(keys);
            assertTrue(list.size() >= 3, "audit key and two CA keys in the token: " + list);
            for (JsonNode k : list) {
                assertEquals("pkcs11", k.get("backend").asText());
            }
        }
    }

    private static PrintStream console() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
