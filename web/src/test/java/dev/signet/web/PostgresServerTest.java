package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.cli.CliRun;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} on PostgreSQL from a configuration file, end to end: first start, issue and revoke
 * through the API, health, then the offline commands with {@code --config} on the same database.
 * The server is the one {@code ./test} starts ({@code -Dsignet.test.postgresUrl}); without it this
 * test fails (as the other web tests on PostgreSQL do: {@code -DskipPostgres} only leaves out
 * ca-core's second run).
 */
class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void serve_on_postgresql_issues_revokes_and_its_audit_chain_verifies_with_config() throws Exception {
        String url = System.getProperty("signet.test.postgresUrl", "");
        assertTrue(url.startsWith("jdbc:postgresql://"), "no PostgreSQL for the tests: ./test passes -Dsignet.test.postgresUrl");
        String schema = "web_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE SCHEMA " + schema);
        }
        // Secrets from files, so that the in-process command line (which reads the real environment) finds them too.
        Path dbPassword = dir.resolve("db-password");
        Files.writeString(dbPassword, "not checked: trust authentication");
        Path hsmPassphrase = dir.resolve("hsm-passphrase");
        Files.writeString(hsmPassphrase, "test passphrase, not secret");
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, """
                data:
                  dir: %s
                database:
                  url: %s?currentSchema=%s
                  user: postgres
                  passwordFile: %s
                hsm:
                  software:
                    passphraseFile: %s
                server:
                  port: 0
                """.formatted(dir.resolve("data"), url, schema, dbPassword, hsmPassphrase));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SignetServer started = SignetServer.start(new ConfigLoader(Map.of()).load(config, null, 0),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        try (TestServer server = TestServer.of(started)) {
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("Created root CA"), "first start on an empty database");
            assertEquals(200, server.get("/health", null).statusCode());
            String officer = server.token("officer");
            String issuing = null;
            for (JsonNode ca : TestServer.json(server.get("/api/v1/cas", officer))) {
                if (ca.hasNonNull("parentId")) {
                    issuing = ca.get("id").asText();
                }
            }
            HttpResponse<String> issued = server.postJson("/api/v1/cas/" + issuing + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("pg.example.com")));
            assertEquals(201, issued.statusCode(), issued.body());
            String serial = TestServer.json(issued).get("serial").asText();
            HttpResponse<String> revoked = server.postJson("/api/v1/cas/" + issuing + "/certificates/" + serial + "/revoke",
                    officer, Map.of("reason", "keyCompromise"));
            assertEquals(200, revoked.statusCode(), revoked.body());
            assertEquals("revoked", TestServer.json(server.get("/api/v1/cas/" + issuing + "/certificates/" + serial, officer))
                    .get("status").asText());
        }
        // The offline commands read the same database through --config (the HSM is the data directory's).
        CliRun.Result verify = CliRun.run("audit", "verify", "--config", config.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
        assertTrue(verify.out().contains("audit chain intact"), verify.out());
    }
}
