package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import dev.signet.web.RegisteredRoutes;
import io.javalin.router.ParsedEndpoint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Every UI route x every role x no session gets exactly the expected status, with expectations
 * written here from the role definitions (as the API's matrix does), and every refusal lands in
 * the audit chain. Without a session a page redirects to the login page and a form post is
 * refused; forms are posted with the session's CSRF token (its absence is tested elsewhere).
 */
class UiAccessMatrixTest {

    static final List<String> ROLES = List.of("admin", "officer", "signer", "auditor");
    static final Set<String> ALL = Set.copyOf(ROLES);
    static final Set<String> READERS = Set.of("admin", "officer", "auditor");
    static final Set<String> AUDITORS = Set.of("admin", "auditor");
    static final Set<String> ADMIN = Set.of("admin");
    static final Set<String> OFFICER = Set.of("officer");
    static final Set<String> REVOKERS = Set.of("admin", "officer");
    static final Set<String> SIGNERS = Set.of("signer");
    /** A signer identity the admin grants to and withdraws from matrix-signer. */
    static String identity;
    static final String PASSWORD = "matrix password 1";

    @TempDir
    static Path data;

    static UiServer server;
    static Map<String, String> sessions = new LinkedHashMap<>();
    static Map<String, String> csrf = new LinkedHashMap<>();
    static String serial;
    static final String CA = "signet-demo-issuing-ca";
    /** A user whose disable confirmation page is asked for (asking changes nothing). */
    static final String CONFIRM_USER = "confirm-target";
    static final AtomicInteger counter = new AtomicInteger();

    /**
     * One request: method, route as registered, concrete path, form fields, who may, the status
     * they get, and the status without a session. {@code fresh}: use a session of its own (logout).
     */
    record Call(String method, String route, Supplier<String> path, Supplier<Map<String, String>> form,
                Set<String> allowed, int success, int anonymous, boolean fresh) {

        static Call page(String route, String path, Set<String> allowed) {
            return new Call("GET", route, () -> path, null, allowed, 200, 303, false);
        }

        static Call form(String route, Supplier<String> path, Supplier<Map<String, String>> form, Set<String> allowed, int success) {
            return new Call("POST", route, path, form, allowed, success, 403, false);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = UiServer.start(data);
        for (String role : ROLES) {
            server.createUser("matrix-" + role, PASSWORD, role);
            String cookie = server.login("matrix-" + role, PASSWORD);
            sessions.put(role, cookie);
            csrf.put(role, UiServer.csrf(server.get("/ui", cookie).body()));
        }
        server.createUser(CONFIRM_USER, PASSWORD, "auditor");
        identity = server.server.services().authorities().createSignerIdentity(CA, "document-signer", "CN=Matrix Signer",
                dev.signet.hsm.KeyAlgorithm.EC_P256, "test").id();
        serial = server.server.services().authorities().issue(CA, "tls-server",
                Csrs.tlsServer("matrix.example.com").getBytes(java.nio.charset.StandardCharsets.US_ASCII), "test").serial();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<Call> calls() {
        String cert = "/ui/certificates/" + CA + "/" + serial;
        return List.of(
                new Call("GET", "/", () -> "/", null, ALL, 303, 303, false),
                new Call("GET", "/ui/login", () -> "/ui/login", null, ALL, 303, 200, false),
                new Call("POST", "/ui/login", () -> "/ui/login", () -> Map.of("username", "nobody", "password", "wrong"), ALL, 401, 403, false),
                new Call("POST", "/ui/logout", () -> "/ui/logout", Map::of, ALL, 303, 403, true),
                Call.page("/ui", "/ui", ALL),
                Call.page("/ui/cas", "/ui/cas", READERS),
                Call.form("/ui/cas", () -> "/ui/cas", () -> Map.of("parentId", "signet-demo-root-ca", "name", "Matrix Sub " + counter.incrementAndGet(),
                        "subject", "CN=Matrix Sub " + counter.get(), "keyAlgorithm", "EC_P256", "profile", "sub-ca"), ADMIN, 303),
                Call.page("/ui/cas/{caId}", "/ui/cas/" + CA, READERS),
                Call.page("/ui/cas/{caId}/chain.pem", "/ui/cas/" + CA + "/chain.pem", READERS),
                // Asking changes nothing; the re-key itself is for admins (303 back to the CA page).
                Call.page("/ui/tsas", "/ui/tsas", READERS),
                Call.page("/ui/tsas/{name}/rekey", "/ui/tsas/default/rekey", ADMIN),
                Call.form("/ui/tsas/{name}/rekey", () -> "/ui/tsas/default/rekey", Map::of, ADMIN, 303),
                Call.page("/ui/tsas/{name}/retire", "/ui/tsas/default/retire", ADMIN),
                // Retiring the default TSA would change what other calls see: an unknown one shows the guard let the admin through.
                Call.form("/ui/tsas/{name}/retire", () -> "/ui/tsas/no-such-tsa/retire", Map::of, ADMIN, 404),
                Call.page("/ui/issue", "/ui/issue", OFFICER),
                Call.form("/ui/issue", () -> "/ui/issue", () -> Map.of("ca", CA, "profile", "tls-server",
                        "csr", csr("m" + counter.incrementAndGet() + ".example.com")), OFFICER, 303),
                Call.page("/ui/identities", "/ui/identities", READERS),
                Call.page("/ui/identities/new", "/ui/identities/new", OFFICER),
                Call.form("/ui/identities", () -> "/ui/identities", () -> Map.of("ca", CA, "profile", "document-signer",
                        "subject", "CN=Matrix Signer " + counter.incrementAndGet(), "keyAlgorithm", "EC_P256"), OFFICER, 303),
                Call.page("/ui/certificates", "/ui/certificates?q=example.com", READERS),
                Call.page("/ui/certificates/{caId}/{serial}", cert, READERS),
                Call.page("/ui/certificates/{caId}/{serial}/renew", cert + "/renew", OFFICER),
                Call.form("/ui/certificates/{caId}/{serial}/renew", () -> cert + "/renew", Map::of, OFFICER, 303),
                Call.page("/ui/certificates/{caId}/{serial}/certificate.pem", cert + "/certificate.pem", READERS),
                Call.page("/ui/certificates/{caId}/{serial}/certificate.cer", cert + "/certificate.cer", READERS),
                Call.page("/ui/certificates/{caId}/{serial}/chain.pem", cert + "/chain.pem", READERS),
                Call.form("/ui/certificates/{caId}/{serial}/revoke", () -> "/ui/certificates/" + CA + "/" + freshSerial(false)
                        + "/revoke", () -> Map.of("reason", "superseded", "confirm", "yes"), REVOKERS, 303),
                Call.form("/ui/certificates/{caId}/{serial}/release", () -> "/ui/certificates/" + CA + "/" + freshSerial(true)
                        + "/release", Map::of, REVOKERS, 303),
                Call.page("/ui/audit", "/ui/audit", AUDITORS),
                Call.page("/ui/sign", "/ui/sign", SIGNERS),
                // No file: the form comes back with 400 (the refusal of an identity not granted is tested in the browser).
                Call.form("/ui/sign", () -> "/ui/sign", Map::of, SIGNERS, 400),
                Call.page("/ui/validate", "/ui/validate", ALL),
                Call.form("/ui/validate", () -> "/ui/validate", Map::of, ALL, 400),
                Call.page("/ui/keys", "/ui/keys", AUDITORS),
                Call.page("/ui/data-keys", "/ui/data-keys", AUDITORS),
                Call.form("/ui/data-keys", () -> "/ui/data-keys", () -> Map.of("name", "ui-matrix-" + counter.incrementAndGet()), ADMIN, 303),
                Call.form("/ui/data-keys/{name}/rotate", () -> "/ui/data-keys/" + freshDataKey() + "/rotate", Map::of, ADMIN, 303),
                Call.form("/ui/data-keys/{name}/disable", () -> "/ui/data-keys/" + freshDataKey() + "/disable", Map::of, ADMIN, 303),
                Call.form("/ui/data-keys/{name}/enable", () -> {
                    String name = freshDataKey();
                    server.server.services().dataKeys().disable(name, "test");
                    return "/ui/data-keys/" + name + "/enable";
                }, Map::of, ADMIN, 303),
                Call.page("/ui/users", "/ui/users", ADMIN),
                Call.form("/ui/users", () -> "/ui/users", () -> Map.of("username", "made-" + counter.incrementAndGet(),
                        "role", "auditor", "password", PASSWORD), ADMIN, 303),
                Call.page("/ui/users/{username}/disable", "/ui/users/" + CONFIRM_USER + "/disable", ADMIN),
                Call.form("/ui/users/{username}/disable", () -> "/ui/users/" + freshUser() + "/disable", Map::of, ADMIN, 303),
                Call.form("/ui/users/{username}/enable", () -> "/ui/users/" + freshUser() + "/enable", Map::of, ADMIN, 303),
                Call.page("/ui/users/{username}/identities", "/ui/users/matrix-signer/identities", ADMIN),
                Call.form("/ui/users/{username}/identities", () -> "/ui/users/matrix-signer/identities",
                        () -> Map.of("identity", identity), ADMIN, 303),
                Call.form("/ui/users/{username}/identities/revoke", () -> "/ui/users/matrix-signer/identities/revoke",
                        () -> Map.of("identity", identity), ADMIN, 303),
                Call.page("/ui/tokens", "/ui/tokens", ADMIN),
                Call.form("/ui/tokens", () -> "/ui/tokens", () -> Map.of("name", "matrix " + counter.incrementAndGet(),
                        "role", "auditor"), ADMIN, 303),
                new Call("GET", "/ui/tokens/{tokenId}/revoke", () -> "/ui/tokens/" + freshTokenId() + "/revoke", null, ADMIN, 200, 303, false),
                Call.form("/ui/tokens/{tokenId}/revoke", () -> "/ui/tokens/" + freshTokenId() + "/revoke", Map::of, ADMIN, 303),
                new Call("GET", "/ui/<rest>", () -> "/ui/no-such-page", null, ALL, 404, 404, false),
                new Call("POST", "/ui/<rest>", () -> "/ui/no-such-page", Map::of, ALL, 404, 404, false));
    }

    private static String freshDataKey() {
        String name = "ui-matrix-" + counter.incrementAndGet();
        server.server.services().dataKeys().create(name, "test");
        return name;
    }

    private static String csr(String name) {
        try {
            return Csrs.tlsServer(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for one call (on hold when {@code held}), so that each revoke or release can succeed. */
    private static String freshSerial(boolean held) {
        String s = server.server.services().authorities().issue(CA, "tls-server",
                csr("rv" + counter.incrementAndGet() + ".example.com").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "test").serial();
        if (held) {
            server.server.services().revocations().revoke(CA, s, "certificateHold", null, "test", false);
        }
        return s;
    }

    private static String freshUser() {
        String name = "target-" + counter.incrementAndGet();
        server.createUser(name, PASSWORD, "auditor");
        return name;
    }

    private static String freshTokenId() {
        return server.server.services().access().createToken("target", "auditor", Set.of(), null, "test").token().id();
    }

    @Test
    void the_matrix_covers_every_registered_ui_route() {
        Set<String> registered = new TreeSet<>();
        for (ParsedEndpoint e : RegisteredRoutes.of(server.server)) {
            if (UiRoutes.isUiPath(e.endpoint.path)) {
                registered.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        }
        Set<String> covered = new TreeSet<>();
        calls().forEach(c -> covered.add(c.method() + " " + c.route()));
        assertEquals(registered, covered);
    }

    @Test
    void every_ui_route_answers_every_role_and_no_session_as_expected() throws Exception {
        long refusedBefore = refusals();
        List<String> failures = new ArrayList<>();
        int expectedRefusals = 0;
        for (Call c : calls()) {
            List<String> callers = new ArrayList<>(ROLES);
            callers.add(null);
            for (String role : callers) {
                int expected = role == null ? c.anonymous() : c.allowed().contains(role) ? c.success() : 403;
                if (expected == 403 && role != null) {
                    // A logged-in user's refusal is an entry of its own; anonymous ones are counted per client.
                    expectedRefusals++;
                }
                String cookie = null;
                String token = null;
                if (role != null) {
                    cookie = sessions.get(role);
                    token = csrf.get(role);
                    if (c.fresh()) {
                        cookie = server.login("matrix-" + role, PASSWORD);
                        token = UiServer.csrf(server.get("/ui", cookie).body());
                    }
                }
                HttpResponse<String> r;
                if (c.method().equals("GET")) {
                    r = server.get(c.path().get(), cookie);
                } else {
                    Map<String, String> form = new LinkedHashMap<>(c.form().get());
                    if (token != null) {
                        form.put("_csrf", token);
                    }
                    r = server.postForm(c.path().get(), cookie, form);
                }
                if (r.statusCode() != expected) {
                    failures.add(c.method() + " " + c.route() + " as " + (role == null ? "nobody" : role)
                            + ": expected " + expected + ", got " + r.statusCode());
                }
                if (expected == 303 && role == null && !c.route().equals("/")) {
                    String location = r.headers().firstValue("Location").orElse("");
                    if (!location.startsWith("/ui/login?next=")) {
                        failures.add(c.route() + " without a session redirects to " + location);
                    }
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
