package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.audit.AuditEntry;
import dev.signet.web.ui.UiRoutes;
import io.javalin.router.ParsedEndpoint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route x every role x no credential gets exactly the expected status. The expectations are
 * written here from the role definitions (admin: CAs, profiles, tokens; officer: issue; signer:
 * signing only; auditor: read-only and audit), independently of the routes table, and the test
 * checks that it covers every registered route. Each refusal must land in the audit chain.
 */
class AuthorizationMatrixTest {

    static final List<String> ROLES = List.of("admin", "officer", "signer", "auditor");
    static final Set<String> READERS = Set.of("admin", "officer", "auditor");
    static final Set<String> AUDITORS = Set.of("admin", "auditor");
    static final Set<String> ADMIN = Set.of("admin");
    static final Set<String> OFFICER = Set.of("officer");
    static final Set<String> REVOKERS = Set.of("admin", "officer");
    static final Set<String> PUBLIC = null;

    @TempDir
    static Path data;

    static TestServer server;
    static Map<String, String> tokens;
    static String rootId;
    static String issuingId;
    static String serial;
    static String dataCiphertext;
    /** A signer identity, granted to and withdrawn from the UI user matrix-signer by the admin routes. */
    static String identity;
    static final Set<String> GRANTED = Set.of("signer");
    static final AtomicInteger counter = new AtomicInteger();

    /** One request: method, route pattern (as registered), concrete path, body supplier, who may, and the success status. */
    record Call(String method, String route, Supplier<String> path, Supplier<Object> body, Set<String> allowed, int success) {}

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        tokens = Map.of("admin", server.token("admin"), "officer", server.token("officer"),
                "signer", server.token("signer"), "auditor", server.token("auditor"));
        JsonNode cas = TestServer.json(server.get("/api/v1/cas", tokens.get("admin")));
        for (JsonNode ca : cas) {
            if (ca.get("parentId") == null || ca.get("parentId").isNull()) {
                rootId = ca.get("id").asText();
            } else {
                issuingId = ca.get("id").asText();
            }
        }
        HttpResponse<String> issued = server.postJson("/api/v1/cas/" + issuingId + "/certificates", tokens.get("officer"),
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("matrix.example.com")));
        assertEquals(201, issued.statusCode(), issued.body());
        serial = TestServer.json(issued).get("serial").asText();
        // Data keys: one the signer token is granted (its use routes), one whose state the admin changes.
        var dataKeys = server.server.services().dataKeys();
        dataKeys.create("matrix-use", "test");
        dataKeys.create("matrix-managed", "test");
        String signerId = server.server.services().access().findBySecret(tokens.get("signer")).orElseThrow().id();
        dataKeys.grant("matrix-use", signerId, true, true, "test");
        identity = server.server.services().authorities().createSignerIdentity(issuingId, "document-signer", "CN=Matrix Signer",
                dev.signet.hsm.KeyAlgorithm.EC_P256, "test").id();
        server.server.services().access().createUser(new dev.signet.ca.store.UserRecord("matrix-signer",
                dev.signet.web.auth.Passwords.hash("matrix password 1"), "signer", java.time.Instant.now(), false), "test");
        dataCiphertext = dataKeys.encrypt("matrix-use", new dev.signet.ca.DataKeys.Caller(signerId, "test"), new byte[4], Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<Call> calls() {
        return List.of(
                new Call("GET", "/health", () -> "/health", null, PUBLIC, 200),
                new Call("GET", "/metrics", () -> "/metrics", null, AUDITORS, 200),
                new Call("GET", "/ca/{file}", () -> "/ca/" + rootId + ".crt", null, PUBLIC, 200),
                new Call("GET", "/api/v1/openapi.json", () -> "/api/v1/openapi.json", null, PUBLIC, 200),
                // The TSA answers anything with an RFC 3161 reply (this JSON body: a rejection); an unknown TSA is a 404.
                new Call("POST", "/tsa", () -> "/tsa", null, PUBLIC, 200),
                new Call("POST", "/tsa/{name}", () -> "/tsa/no-such-tsa", null, PUBLIC, 404),
                new Call("GET", "/api/v1/tsas", () -> "/api/v1/tsas", null, READERS, 200),
                new Call("GET", "/api/v1/tsas/{name}", () -> "/api/v1/tsas/default", null, READERS, 200),
                // The default TSA is certified already: a 409 shows the guard let the caller through.
                new Call("POST", "/api/v1/tsas/{name}/certificate", () -> "/api/v1/tsas/default/certificate",
                        () -> Map.of("certificatePem", "x", "chainPem", "x"), ADMIN, 409),
                new Call("POST", "/api/v1/tsas/{name}/rekey", () -> "/api/v1/tsas/default/rekey", () -> Map.of(), ADMIN, 200),
                // Retiring the default TSA would change what the other calls see: an unknown one shows the guard let the admin through.
                new Call("POST", "/api/v1/tsas/{name}/retire", () -> "/api/v1/tsas/no-such-tsa/retire", () -> Map.of(), ADMIN, 404),
                new Call("GET", "/crl/{file}", () -> "/crl/" + issuingId + ".crl", null, PUBLIC, 200),
                new Call("GET", "/crl/delta/{file}", () -> "/crl/delta/" + issuingId + ".crl", null, PUBLIC, 200),
                // OCSP answers garbage with an OCSP malformedRequest inside a 200, whoever asks.
                new Call("POST", "/ocsp/{caId}", () -> "/ocsp/" + issuingId, () -> Map.of(), PUBLIC, 200),
                new Call("GET", "/ocsp/{caId}/{request}", () -> "/ocsp/" + issuingId + "/MAA=", null, PUBLIC, 200),
                new Call("POST", "/api/v1/cas/{caId}/certificates/{serial}/revoke",
                        () -> "/api/v1/cas/" + issuingId + "/certificates/" + freshSerial(false) + "/revoke",
                        () -> Map.of("reason", "superseded"), REVOKERS, 200),
                new Call("POST", "/api/v1/cas/{caId}/certificates/{serial}/release",
                        () -> "/api/v1/cas/" + issuingId + "/certificates/" + freshSerial(true) + "/release",
                        () -> Map.of(), REVOKERS, 200),
                new Call("GET", "/api/v1/cas", () -> "/api/v1/cas", null, READERS, 200),
                new Call("POST", "/api/v1/cas", () -> "/api/v1/cas",
                        () -> Map.of("name", "Matrix Root " + counter.incrementAndGet(), "subject", "CN=Matrix Root " + counter.get()),
                        ADMIN, 201),
                new Call("GET", "/api/v1/cas/{caId}", () -> "/api/v1/cas/" + issuingId, null, READERS, 200),
                // Importing needs a CA pending an external parent; an unknown id shows the guard let the caller through.
                new Call("POST", "/api/v1/cas/{caId}/certificate", () -> "/api/v1/cas/no-such-ca/certificate",
                        () -> Map.of("certificatePem", "x"), ADMIN, 404),
                new Call("GET", "/api/v1/profiles", () -> "/api/v1/profiles", null, READERS, 200),
                new Call("GET", "/api/v1/profiles/{name}", () -> "/api/v1/profiles/tls-server", null, READERS, 200),
                new Call("POST", "/api/v1/cas/{caId}/certificates", () -> "/api/v1/cas/" + issuingId + "/certificates",
                        () -> Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("m" + counter.incrementAndGet() + ".example.com")),
                        OFFICER, 201),
                new Call("GET", "/api/v1/cas/{caId}/certificates/{serial}", () -> "/api/v1/cas/" + issuingId + "/certificates/" + serial,
                        null, READERS, 200),
                new Call("POST", "/api/v1/cas/{caId}/certificates/{serial}/renew",
                        () -> "/api/v1/cas/" + issuingId + "/certificates/" + serial + "/renew", Map::of, OFFICER, 201),
                new Call("GET", "/api/v1/certificates", () -> "/api/v1/certificates?q=example.com", null, READERS, 200),
                new Call("POST", "/api/v1/identities", () -> "/api/v1/identities",
                        () -> Map.of("caId", issuingId, "profile", "document-signer", "subject", "CN=Matrix Signer " + counter.incrementAndGet()),
                        OFFICER, 201),
                // A signer without the identity parameter: 400 shows the guard let the caller through.
                new Call("POST", "/api/v1/sign/pdf", () -> "/api/v1/sign/pdf", () -> Map.of(), Set.of("signer"), 400),
                new Call("POST", "/api/v1/sign/cades", () -> "/api/v1/sign/cades", () -> Map.of(), Set.of("signer"), 400),
                new Call("POST", "/api/v1/extend/pdf", () -> "/api/v1/extend/pdf", () -> Map.of(), Set.of("signer"), 400),
                new Call("POST", "/api/v1/profiles/reload", () -> "/api/v1/profiles/reload", () -> Map.of(), ADMIN, 200),
                new Call("POST", "/api/v1/keys/data", () -> "/api/v1/keys/data",
                        () -> Map.of("name", "matrix-" + counter.incrementAndGet()), ADMIN, 201),
                new Call("GET", "/api/v1/keys/data", () -> "/api/v1/keys/data", null, AUDITORS, 200),
                new Call("GET", "/api/v1/keys/data/{name}", () -> "/api/v1/keys/data/matrix-use", null, AUDITORS, 200),
                new Call("POST", "/api/v1/keys/data/{name}/rotate", () -> "/api/v1/keys/data/matrix-managed/rotate", null, ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/min-decrypt-version", () -> "/api/v1/keys/data/matrix-managed/min-decrypt-version",
                        () -> Map.of("version", 1), ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/disable", () -> "/api/v1/keys/data/matrix-managed/disable", null, ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/enable", () -> "/api/v1/keys/data/matrix-managed/enable", null, ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/schedule-destruction",
                        () -> "/api/v1/keys/data/matrix-managed/schedule-destruction", () -> Map.of("waitingDays", 7), ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/cancel-destruction",
                        () -> "/api/v1/keys/data/matrix-managed/cancel-destruction", null, ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/grants", () -> "/api/v1/keys/data/matrix-managed/grants",
                        () -> Map.of("tokenId", freshTokenId("officer"), "operations", List.of("encrypt")), ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/grants/{tokenId}/revoke", () -> {
                    String id = freshTokenId("officer");
                    server.server.services().dataKeys().grant("matrix-managed", id, true, false, "test");
                    return "/api/v1/keys/data/matrix-managed/grants/" + id + "/revoke";
                }, null, ADMIN, 200),
                new Call("POST", "/api/v1/keys/data/{name}/encrypt", () -> "/api/v1/keys/data/matrix-use/encrypt",
                        () -> Map.of("plaintext", "AAAA"), GRANTED, 200),
                new Call("POST", "/api/v1/keys/data/{name}/decrypt", () -> "/api/v1/keys/data/matrix-use/decrypt",
                        () -> Map.of("ciphertext", dataCiphertext), GRANTED, 200),
                new Call("POST", "/api/v1/keys/data/{name}/datakey", () -> "/api/v1/keys/data/matrix-use/datakey", null, GRANTED, 200),
                new Call("POST", "/api/v1/keys/data/{name}/rewrap", () -> "/api/v1/keys/data/matrix-use/rewrap",
                        () -> Map.of("ciphertext", dataCiphertext), GRANTED, 200),
                new Call("GET", "/api/v1/keys", () -> "/api/v1/keys", null, AUDITORS, 200),
                new Call("GET", "/api/v1/keys/{label}", () -> "/api/v1/keys/signet-audit", null, AUDITORS, 200),
                new Call("GET", "/api/v1/audit", () -> "/api/v1/audit", null, AUDITORS, 200),
                new Call("GET", "/api/v1/audit/verify", () -> "/api/v1/audit/verify", null, AUDITORS, 200),
                new Call("GET", "/api/v1/tokens", () -> "/api/v1/tokens", null, ADMIN, 200),
                new Call("POST", "/api/v1/tokens", () -> "/api/v1/tokens",
                        () -> Map.of("name", "matrix " + counter.incrementAndGet(), "role", "auditor"), ADMIN, 201),
                new Call("POST", "/api/v1/tokens/{tokenId}/revoke", () -> "/api/v1/tokens/" + freshTokenId() + "/revoke",
                        () -> Map.of(), ADMIN, 200),
                new Call("GET", "/api/v1/users/{username}/identities", () -> "/api/v1/users/matrix-signer/identities", null, ADMIN, 200),
                new Call("POST", "/api/v1/users/{username}/identities", () -> "/api/v1/users/matrix-signer/identities",
                        () -> Map.of("identity", identity), ADMIN, 200),
                new Call("POST", "/api/v1/users/{username}/identities/revoke", () -> "/api/v1/users/matrix-signer/identities/revoke",
                        () -> Map.of("identity", identity), ADMIN, 200),
                // any role may validate; a JSON body is past the role check and refused for its type
                new Call("POST", "/api/v1/validate/pdf", () -> "/api/v1/validate/pdf", () -> Map.of(),
                        Set.of("admin", "officer", "signer", "auditor"), 415));
    }

    /** A certificate issued for one call (on hold when {@code held}), so that each revoke or release can succeed. */
    private static String freshSerial(boolean held) {
        String serial = server.server.services().authorities().issue(issuingId, "tls-server",
                Csrs.tlsServerPem("r" + counter.incrementAndGet() + ".example.com").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "test").serial();
        if (held) {
            server.server.services().revocations().revoke(issuingId, serial, "certificateHold", null, "test", false);
        }
        return serial;
    }

    private static String freshTokenId() {
        return freshTokenId("auditor");
    }

    private static String freshTokenId(String role) {
        String secret = server.token(role);
        return server.server.services().access().findBySecret(secret).orElseThrow().id();
    }

    @Test
    void the_matrix_covers_every_registered_api_route() {
        Set<String> registered = new TreeSet<>();
        for (ParsedEndpoint e : RegisteredRoutes.of(server.server)) {
            // UI pages authenticate with sessions, not bearer tokens: UiAccessMatrixTest covers them.
            if (!UiRoutes.isUiPath(e.endpoint.path)) {
                registered.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        }
        Set<String> covered = new TreeSet<>();
        calls().forEach(c -> covered.add(c.method() + " " + c.route()));
        assertEquals(registered, covered);
    }

    @Test
    void every_route_answers_every_role_and_no_credential_as_expected() throws Exception {
        long refusedBefore = refusals();
        List<String> failures = new ArrayList<>();
        int expectedRefusals = 0;
        for (Call c : calls()) {
            List<String> callers = new ArrayList<>(ROLES);
            callers.add(null);
            for (String role : callers) {
                int expected;
                if (c.allowed() == PUBLIC) {
                    expected = c.success();
                } else if (role == null) {
                    expected = 401;
                } else {
                    expected = c.allowed().contains(role) ? c.success() : 403;
                }
                if (expected == 403) {
                    // An authenticated caller's refusal is an entry of its own; 401s are counted per client.
                    expectedRefusals++;
                }
                String token = role == null ? null : tokens.get(role);
                HttpResponse<String> r = c.method().equals("GET")
                        ? server.get(c.path().get(), token)
                        : server.postJson(c.path().get(), token, c.body() == null ? Map.of() : c.body().get());
                if (r.statusCode() != expected) {
                    failures.add(c.method() + " " + c.route() + " as " + (role == null ? "nobody" : role)
                            + ": expected " + expected + ", got " + r.statusCode() + " " + r.body());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(expectedRefusals, refusals() - refusedBefore, "every refusal is audited");
    }

    private static long refusals() {
        return server.server.services().auditLog().list(0, 1000).items().stream()
                .map(AuditEntry::action).filter("request.refused"::equals).count();
    }
}
