package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.AccessStore;
import dev.signet.ca.store.Database;
import dev.signet.web.SignetServer;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process with stdout and stderr captured. */
class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void help_lists_every_command() {
        Result r = run("--help");
        assertEquals(0, r.exit());
        for (String command : new String[] {"serve", "init", "token", "ca", "issue", "keys", "hsm", "audit", "backup", "restore"}) {
            assertTrue(r.out().contains("  " + command + " "), command + " missing from:\n" + r.out());
        }
        for (String[] sub : new String[][] {{"token", "create"}, {"token", "list"}, {"token", "revoke"}, {"ca", "create"}, {"ca", "list"}, {"keys", "list"}, {"hsm", "change-passphrase"}, {"audit", "verify"}}) {
            Result h = run(sub[0], sub[1], "--help");
            assertEquals(0, h.exit(), String.join(" ", sub));
            assertTrue(h.out().contains("--data"), h.out());
        }
    }

    @Test
    void token_create_prints_only_the_token_and_works_beside_a_running_server() throws Exception {
        Path data = dir.resolve("data");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            Result r = run("token", "create", "--data", data.toString(), "--role", "officer", "--name", "ci");
            assertEquals(0, r.exit(), r.err());
            String token = r.lastLine();
            assertTrue(token.matches("sgt_[A-Za-z0-9_-]{43}"), r.out());
            String id = server.services().access().findBySecret(token).orElseThrow().id();
            assertEquals("officer", server.services().access().findBySecret(token).orElseThrow().role());
            Result list = run("token", "list", "--data", data.toString());
            assertTrue(list.out().contains(id + " officer  active   ci"), list.out());
            assertEquals(0, run("token", "revoke", "--data", data.toString(), id).exit());
            // The server caches tokens it has seen for 2 s (TokenCacheTest checks that bound on a set
            // clock); a revocation from another process (this command) must show once it expires. The
            // deadline is 10 s, for a loaded CI machine.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.services().access().findBySecret(token).orElseThrow().revoked() == null
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(server.services().access().findBySecret(token).orElseThrow().revoked() != null);
            assertEquals(4, run("token", "revoke", "--data", data.toString(), "no-such-id").exit(), "not found");
        }
    }

    @Test
    void audit_verify_with_a_pinned_audit_key_and_ca_list_run_beside_the_server() throws Exception {
        Path data = dir.resolve("data");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            server.services().auditLog().checkpoint();
            String auditor = server.services().access().createToken("a", "auditor", java.util.Set.of(), null, "test").secret();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> key = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/v1/keys/signet-audit"))
                    .header("Authorization", "Bearer " + auditor).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, key.statusCode(), key.body());
            String pem = dev.signet.web.http.Json.MAPPER.readTree(key.body()).get("publicKeyPem").asText();
            assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"), pem);
            Path pinned = Files.writeString(dir.resolve("audit.pem"), pem);

            Result ok = run("audit", "verify", "--data", data.toString(), "--audit-key", pinned.toString());
            assertEquals(0, ok.exit(), ok.out() + ok.err());
            assertTrue(ok.out().contains("intact") && !ok.out().contains(" 0 checkpoints"), ok.out());

            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            Path other = Files.writeString(dir.resolve("other.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            Result broken = run("audit", "verify", "--data", data.toString(), "--audit-key", other.toString());
            assertEquals(6, broken.exit(), "integrity failure: " + broken.out() + broken.err());
            assertTrue(broken.out().contains("BROKEN"), broken.out());

            Result notPem = run("audit", "verify", "--data", data.toString(), "--audit-key", data.resolve("signet.db").toString());
            assertEquals(1, notPem.exit());
            assertTrue(notPem.err().contains("no PEM public key"), notPem.err());

            // ca list reads only the database too: it works while the server holds the HSM.
            Result cas = run("ca", "list", "--data", data.toString());
            assertEquals(0, cas.exit(), cas.err());
            assertTrue(cas.out().contains("Signet Demo Issuing CA") && cas.out().contains("Signet Demo Root CA"), cas.out());
        }
    }

    @Test
    void token_create_refuses_bad_input_in_one_line() {
        Result badRole = run("token", "create", "--data", dir.toString(), "--role", "root");
        assertEquals(2, badRole.exit());
        assertTrue(badRole.err().contains("unknown role 'root'"), badRole.err());
        assertFalse(badRole.err().contains("\tat "), badRole.err());
        Result noData = run("token", "create", "--data", dir.resolve("nothing").toString(), "--role", "admin");
        assertEquals(1, noData.exit());
        assertEquals(1, noData.err().strip().split("\n").length, noData.err());
        assertTrue(noData.err().contains("no Signet database"), noData.err());
    }

    @Test
    void a_bad_configuration_stops_serve_with_one_line_naming_the_setting() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  port: eighty\n");
        Result r = run("serve", "--config", config.toString(), "--data", dir.toString());
        assertEquals(1, r.exit());
        assertEquals("signet: bad configuration: server.port: not a whole number: 'eighty'", r.err().strip());
    }

    @Test
    void init_then_offline_ca_list_issue_keys_and_audit_verify() throws Exception {
        Path data = dir.resolve("offline");
        Result init = run("init", "--data", data.toString());
        assertEquals(0, init.exit(), init.err());
        assertTrue(init.out().contains("Signet Demo Issuing CA"), init.out());
        assertTrue(init.out().matches("(?s).*sgt_[A-Za-z0-9_-]{43}.*"), init.out());
        assertTrue(Files.isRegularFile(data.resolve("secrets").resolve("hsm-passphrase")));
        Result again = run("init", "--data", data.toString());
        assertFalse(again.out().contains("sgt_"), "a second init creates nothing");

        Result list = run("ca", "list", "--data", data.toString());
        assertEquals(0, list.exit(), list.err());
        String issuing = list.out().lines().filter(l -> l.endsWith("Signet Demo Issuing CA")).findFirst().orElseThrow().split(" ")[0];

        Path csr = dir.resolve("req.csr");
        Process p = new ProcessBuilder("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-subj", "/CN=cli.example.com",
                "-addext", "subjectAltName=DNS:cli.example.com", "-out", csr.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        Result issued = run("issue", "--data", data.toString(), "--ca", issuing, "--profile", "tls-server", "--csr", csr.toString());
        assertEquals(0, issued.exit(), issued.err());
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(issued.out().getBytes(StandardCharsets.US_ASCII)));
        assertTrue(cert.getSubjectAlternativeNames().toString().contains("cli.example.com"));

        Result refused = run("issue", "--data", data.toString(), "--ca", issuing, "--profile", "nope", "--csr", csr.toString());
        assertEquals(4, refused.exit(), "not found");
        String[] errLines = refused.err().strip().split("\n");
        assertEquals("signet: no profile 'nope'", errLines[errLines.length - 1], "log lines may precede the reason");
        assertFalse(refused.err().contains("\tat "), refused.err());

        Result keys = run("keys", "list", "--data", data.toString());
        assertEquals(0, keys.exit(), keys.err());
        assertTrue(keys.out().contains("signet-audit"), keys.out());
        Result audit = run("audit", "verify", "--data", data.toString());
        assertEquals(0, audit.exit(), audit.err() + audit.out());
        assertTrue(audit.out().startsWith("audit chain intact"), audit.out());

        try (Database db = Database.open(data.resolve("signet.db"))) {
            Optional<?> none = new AccessStore(db).findBySecret("sgt_nothing");
            assertTrue(none.isEmpty());
        }
    }
}
