package dev.signet.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.HttpServer;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.Authenticator;
import dev.signet.web.auth.BearerTokens;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.auth.TokenDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP plumbing on its own: problems, limits, authentication, shutdown. */
class HttpInfrastructureTest {

    record Echo(String text) {}

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, TokenDirectory.StoredToken> tokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() {
        TokenDirectory directory = hash -> Optional.ofNullable(tokens.get(hash));
        SecurityAudit audit = (actor, method, path, status, reason) -> refusals.add(status + " " + actor + " " + method + " " + path);
        Guard guard = new Guard(new Authenticator(directory, Clock.systemUTC()), audit);
        List<Route> routes = new ArrayList<>();
        routes.add(Route.post("/echo", Access.roles(Role.OFFICER), ctx -> Json.write(ctx, 200, Json.read(ctx, Echo.class))));
        routes.add(Route.get("/boom", Access.PUBLIC, ctx -> {
            throw new IllegalStateException("secret internals");
        }));
        routes.add(Route.get("/slow", Access.PUBLIC, ctx -> {
            slowStarted.countDown();
            Thread.sleep(1500);
            ctx.result("done");
        }));
        server = HttpServer.start(ListenSocket.bind("127.0.0.1", 0), 4096, routes, guard, new HttpMetrics(new SimpleMeterRegistry()), null);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String token(Role role, boolean revoked, Instant expires) {
        String t = BearerTokens.generate();
        String hash = BearerTokens.hash(t);
        tokens.put(hash, new TokenDirectory.StoredToken("t" + tokens.size(), "test", role, List.of(), expires, revoked));
        return t;
    }

    private HttpResponse<String> post(String path, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.headers().toString());
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertEquals("https://signet.dev/problems/" + slug, p.get("type").asText());
        assertEquals(status, p.get("status").asInt());
        assertFalse(p.get("title").asText().isEmpty());
        assertFalse(p.get("detail").asText().isEmpty());
        return p;
    }

    @Test
    void unknown_route_is_a_not_found_problem() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/nothing/here")).build(), HttpResponse.BodyHandlers.ofString());
        problem(r, 404, "not-found");
    }

    @Test
    void wrong_method_on_a_known_path_is_a_method_not_allowed_problem() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/echo")).build(), HttpResponse.BodyHandlers.ofString());
        problem(r, 405, "method-not-allowed");
    }

    @Test
    void valid_json_from_an_allowed_role_is_served() throws Exception {
        HttpResponse<String> r = post("/echo", token(Role.OFFICER, false, null), "application/json", "{\"text\":\"hi\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hi", Json.MAPPER.readTree(r.body()).get("text").asText());
    }

    @Test
    void malformed_json_is_a_400_problem() throws Exception {
        problem(post("/echo", token(Role.OFFICER, false, null), "application/json", "{\"text\":"), 400, "malformed-request");
        problem(post("/echo", token(Role.OFFICER, false, null), "application/json", "{\"txet\":\"x\"}"), 400, "malformed-request");
        problem(post("/echo", token(Role.OFFICER, false, null), "application/json", ""), 400, "malformed-request");
    }

    @Test
    void a_body_that_is_not_json_is_a_415_problem() throws Exception {
        problem(post("/echo", token(Role.OFFICER, false, null), "text/plain", "hi"), 415, "unsupported-media-type");
    }

    @Test
    void a_body_over_the_limit_is_a_413_problem() throws Exception {
        String big = "{\"text\":\"" + "x".repeat(10_000) + "\"}";
        problem(post("/echo", token(Role.OFFICER, false, null), "application/json", big), 413, "payload-too-large");
    }

    @Test
    void missing_bad_revoked_and_expired_tokens_are_401_and_audited() throws Exception {
        JsonNode p = problem(post("/echo", null, "application/json", "{}"), 401, "unauthorized");
        assertFalse(p.toString().contains("sgt_"));
        problem(post("/echo", "sgt_nonsense", "application/json", "{}"), 401, "unauthorized");
        problem(post("/echo", BearerTokens.generate(), "application/json", "{}"), 401, "unauthorized");
        problem(post("/echo", token(Role.OFFICER, true, null), "application/json", "{}"), 401, "unauthorized");
        problem(post("/echo", token(Role.OFFICER, false, Instant.now().minusSeconds(1)), "application/json", "{}"), 401, "unauthorized");
        HttpResponse<String> r = post("/echo", null, "application/json", "{}");
        assertEquals("Bearer realm=\"signet\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(6, refusals.size(), refusals.toString());
        assertTrue(refusals.stream().allMatch(s -> s.startsWith("401 anonymous POST /echo")), refusals.toString());
    }

    @Test
    void a_role_without_the_right_is_403_and_audited_with_the_token_id() throws Exception {
        String t = token(Role.AUDITOR, false, null);
        problem(post("/echo", t, "application/json", "{\"text\":\"hi\"}"), 403, "forbidden");
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith("403 token:"), refusals.toString());
        assertFalse(refusals.get(0).contains(t));
    }

    @Test
    void an_unexpected_failure_is_a_500_problem_without_internals() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/boom")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode p = problem(r, 500, "internal-error");
        assertFalse(r.body().contains("secret internals"));
        assertFalse(r.body().contains("IllegalStateException"));
        assertTrue(p.get("detail").asText().startsWith("incident "));
    }

    @Test
    void stopping_lets_an_in_flight_request_finish() throws Exception {
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(slowStarted.await(30, TimeUnit.SECONDS));
        server.close();
        HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("done", r.body());
    }
}
