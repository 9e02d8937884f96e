package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.UserRecord;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.auth.Passwords;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admins grant UI users signer identities through the API as on the Users page: audited, checked, idempotent. */
class UserIdentityApiTest {

    @TempDir
    static Path data;
    static TestServer server;
    static String admin;
    static String identity;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        admin = server.token("admin");
        identity = server.server.services().authorities().createSignerIdentity("signet-demo-issuing-ca", "document-signer",
                "CN=Api Granted", KeyAlgorithm.EC_P256, "test").id();
        for (String[] u : new String[][] {{"sally", "signer"}, {"otto", "officer"}}) {
            server.server.services().access().createUser(new UserRecord(u[0], Passwords.hash("user password 12"), u[1],
                    Instant.now(), false), "test");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_admin_grants_and_withdraws_an_identity_and_each_change_is_audited_once() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = server.postJson("/api/v1/users/sally/identities", admin, Map.of("identity", identity));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(identity, TestServer.json(r).get("identities").get(0).asText());
        }
        assertEquals(List.of(identity), server.server.services().access().identitiesOf("sally"));
        HttpResponse<String> r = server.postJson("/api/v1/users/sally/identities/revoke", admin, Map.of("identity", identity));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(0, TestServer.json(server.get("/api/v1/users/sally/identities", admin)).get("identities").size());
        var entries = server.server.services().auditLog().list(0, 200).items();
        assertEquals(1, entries.stream().filter(e -> e.action().equals("user.identity.grant") && e.objectId().equals("sally")).count(),
                "granting twice changes, and audits, once");
        assertEquals(1, entries.stream().filter(e -> e.action().equals("user.identity.revoke")).count());
    }

    @Test
    void grants_to_non_signers_unknown_users_or_unknown_identities_are_refused_and_change_nothing() throws Exception {
        record Case(String name, String path, Object body, int status) {}
        List<Case> cases = List.of(
                new Case("officer", "/api/v1/users/otto/identities", Map.of("identity", identity), 422),
                new Case("unknown user", "/api/v1/users/nobody/identities", Map.of("identity", identity), 404),
                new Case("unknown identity", "/api/v1/users/sally/identities", Map.of("identity", "no-ca.01"), 422),
                new Case("no identity", "/api/v1/users/sally/identities", Map.of(), 400));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<String> r = server.postJson(c.path(), admin, c.body());
            if (r.statusCode() != c.status() || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                failures.add(c.name() + ": " + r.statusCode() + " " + r.body());
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(server.server.services().access().identitiesOf("otto").isEmpty());
    }
}
