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
        assertEquals(1, refused.exit(), refused.out() + refused.err());
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
