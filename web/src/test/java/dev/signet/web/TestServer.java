package dev.signet.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import dev.signet.web.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** A real Signet server on port 0 over a temporary data directory, with a real HTTP client. */
final class TestServer implements AutoCloseable {

    static final Map<String, String> ENV = Map.of("SIGNET_HSM_PASSPHRASE", "test passphrase, not secret");

    final SignetServer server;
    final String base;
    final String console;
    final HttpClient client = HttpClient.newHttpClient();

    private TestServer(SignetServer server, String console) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
        this.console = console;
    }

    static SignetConfig config(Path data) {
        return new ConfigLoader(ENV).load(null, data, 0);
    }

    /** Wraps a server started elsewhere (closing this closes it). */
    static TestServer of(SignetServer server) {
        return new TestServer(server, "");
    }

    static TestServer start(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer s = SignetServer.start(config(data), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new TestServer(s, out.toString(StandardCharsets.UTF_8));
    }

    /** A fresh token of {@code role}, created through the store as the CLI does. */
    String token(String role) {
        return server.services().access().createToken("test-" + role, role, Set.of(), null, "test").secret();
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), token);
    }

    HttpResponse<String> get(String path, String token, String accept) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET(), token);
    }

    HttpResponse<byte[]> getBytes(String path, String token, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, token);
    }

    HttpResponse<String> postJson(String path, String token, Object body) throws Exception {
        return post(path, token, "application/json", Json.MAPPER.writeValueAsString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String token) throws Exception {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Override
    public void close() {
        server.close();
    }
}
