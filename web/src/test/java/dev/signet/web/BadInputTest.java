package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.cli.CliRun;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a security review sent to the running server: each gets a 4xx problem naming what is
 * wrong, never a 500, an internal name or a stored record.
 */
class BadInputTest {

    @TempDir
    static Path data;

    static TestServer server;
    static String admin;
    static String auditor;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
        admin = server.token("admin");
        auditor = server.token("auditor");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertProblem(int status, String detailPart, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.headers().toString());
        JsonNode p = TestServer.json(r);
        assertTrue(p.get("detail").asText().contains(detailPart), r.body());
        assertFalse(r.body().contains("dev.signet") || r.body().contains("Exception"), r.body());
    }

    private static HttpResponse<String> send(String method, String path, String token) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + path))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NEVER).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void head_answers_with_the_status_of_get_and_no_body() throws Exception {
        String officer = server.token("officer");
        for (String[] c : new String[][] {{"/api/v1/tokens", null}, {"/api/v1/tokens", officer}, {"/api/v1/tokens", admin},
                {"/ui/users", null}, {"/ca/nope.crt", null}, {"/health", null}, {"/api/v1/nothing", admin}}) {
            HttpResponse<String> get = send("GET", c[0], c[1]);
            HttpResponse<String> head = send("HEAD", c[0], c[1]);
            assertEquals(get.statusCode(), head.statusCode(), "HEAD " + c[0] + " as " + c[1]);
            assertEquals("", head.body());
        }
        assertEquals(401, send("HEAD", "/api/v1/tokens", null).statusCode());
    }

    @Test
    void every_error_is_a_problem_without_internal_names() throws Exception {
        String officer = server.token("officer");
        HttpResponse<String> array = server.post("/api/v1/cas/x/certificates", officer, "application/json", "[1, 2]");
        assertProblem(400, "expected a JSON object", array);
        HttpResponse<String> wrongType = server.post("/api/v1/tokens", admin, "application/json", "{\"name\": [\"a\"], \"role\": \"auditor\"}");
        assertProblem(400, "field 'name'", wrongType);
        assertProblem(400, "malformed JSON at line 1", server.post("/api/v1/tokens", admin, "application/json", "{\"name\": "));
        HttpResponse<String> badPath = server.get("/ca/%ff.crt", null);
        assertProblem(400, "could not be read", badPath);
        assertFalse(badPath.body().contains("<html"), badPath.body());
    }

    @Test
    void a_root_ca_issues_neither_leaf_certificates_nor_signer_identities() throws Exception {
        String officer = server.token("officer");
        String root = null;
        for (JsonNode ca : TestServer.json(server.get("/api/v1/cas", officer))) {
            if (ca.get("name").asText().equals("Signet Demo Root CA")) {
                root = ca.get("id").asText();
            }
        }
        HttpResponse<String> identity = server.postJson("/api/v1/identities", officer, Map.of("caId", root,
                "profile", "document-signer", "subject", "CN=Root Signer", "keyAlgorithm", "EC_P256"));
        assertProblem(422, "is a root", identity);
        assertEquals("root-issues-end-entity", TestServer.json(identity).get("code").asText());
        HttpResponse<String> leaf = server.postJson("/api/v1/cas/" + root + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("leaf.example.com")));
        assertProblem(422, "is a root", leaf);
    }

    @Test
    void times_beyond_year_9999_are_a_400_naming_the_field() throws Exception {
        assertProblem(400, "expires", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "far", "role", "auditor", "expires", "+999999999-12-31T23:59:59Z")));
        assertProblem(400, "expiringBefore", server.get("/api/v1/certificates?expiringBefore=%2B999999999-12-31T23:59:59Z", auditor));
        assertProblem(400, "expiringBefore", server.get("/api/v1/certificates?expiringBefore=-999999999-01-01T00:00:00Z", auditor));
    }

    @Test
    void token_names_and_grants_are_bounded_visible_and_checked() throws Exception {
        int before = server.server.services().access().listTokens().size();
        assertProblem(400, "at most 100", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "n".repeat(900_000 / 1000), "role", "auditor")));
        assertProblem(400, "control", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "ci\u001b[2J\nOK admin token", "role", "auditor")));
        assertProblem(400, "control", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "ci\u202Enimda", "role", "auditor")));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            many.add("ca." + Integer.toHexString(i + 1));
        }
        assertProblem(400, "identities", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "many", "role", "signer", "identities", many)));
        assertProblem(422, "no signer identity 'nope.1'", server.postJson("/api/v1/tokens", admin,
                Map.of("name", "ghost", "role", "signer", "identities", List.of("nope.1"))));
        assertEquals(before, server.server.services().access().listTokens().size(), "nothing was stored");
    }

    @Test
    void the_command_line_refuses_such_names_too_and_lists_old_ones_escaped() throws Exception {
        CliRun.Result refused = CliRun.run("token", "create", "--data", data.toString(), "--role", "auditor",
                "--name", "x\u001b]0;owned\u0007");
        assertEquals(3, refused.exit(), "refused by policy: " + refused.out() + refused.err());
        assertTrue(refused.err().contains("control"), refused.err());
        // A row written before the check (or behind the store's back) is printed escaped.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("signet.db"));
             var p = c.prepareStatement("UPDATE api_token SET name = ? WHERE name = 'test-auditor'")) {
            p.setString(1, "old\u001b[31mred\nfake line");
            p.executeUpdate();
        }
        CliRun.Result list = CliRun.run("token", "list", "--data", data.toString());
        assertEquals(0, list.exit(), list.err());
        assertFalse(list.out().contains("\u001b"), list.out());
        assertTrue(list.out().contains("old\\u{001B}[31mred\\u{000A}fake line"), list.out());
    }
}
