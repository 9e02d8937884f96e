package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes starting at the same moment on an empty database complete one first start between them. */
class FirstStartOnceTest {

    @TempDir
    Path dir;

    @Test
    void two_nodes_starting_at_once_on_an_empty_database_make_one_audit_key_one_pair_of_cas_and_one_admin_token()
            throws Exception {
        Path config = Files.writeString(dir.resolve("signet.yaml"), SoftHsm2Token.settings(dir, SoftHsm2Token.Use.FIRST_START));
        SignetConfig settings = new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0);
        CountDownLatch go = new CountDownLatch(1);
        List<ByteArrayOutputStream> consoles = List.of(new ByteArrayOutputStream(), new ByteArrayOutputStream());
        List<CompletableFuture<SignetServer>> starts = new ArrayList<>();
        for (ByteArrayOutputStream console : consoles) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return SignetServer.start(settings, new PrintStream(console, true, StandardCharsets.UTF_8));
            }));
        }
        go.countDown();
        try (TestServer a = TestServer.of(starts.get(0).join()); TestServer b = TestServer.of(starts.get(1).join())) {
            Services s = a.server.services();
            assertEquals(2, s.authorities().list().size(), "one root and one issuing CA");
            assertEquals(1, s.access().listTokens().stream().filter(t -> t.name().equals("first-start admin")).count());
            assertEquals(2, s.access().listUsers().size());
            assertEquals(1, s.keys().list().stream().filter(k -> k.label().equals(Services.AUDIT_KEY_LABEL)).count());
            assertEquals(1, s.keys().list().stream().filter(k -> k.label().equals(Services.UI_FLASH_KEY_LABEL)).count());
            assertEquals(3, s.keys().list().stream().filter(k -> !k.label().equals(Services.AUDIT_KEY_LABEL)
                            && !k.label().equals(Services.UI_FLASH_KEY_LABEL)).count(),
                    "two CA keys and the demo TSA's key: " + s.keys().list());
            long printed = consoles.stream().filter(c -> c.toString(StandardCharsets.UTF_8)
                    .contains("An administrator API token was created")).count();
            assertEquals(1, printed, "the admin token is printed once, by the node that made it");
            var verify = b.get("/api/v1/audit/verify", b.token("auditor"));
            assertEquals(200, verify.statusCode(), verify.body());
            assertTrue(TestServer.json(verify).get("intact").asBoolean(), verify.body());
        }
    }
}
