package dev.signet.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The client side of the REST API, for the {@code client} commands: JSON in and out, the bearer
 * token on every call, and a refusal turned into a {@link ClientException} that carries the
 * server's problem detail and the exit code for its status.
 */
final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    static ApiClient of(ServerOptions server) {
        return new ApiClient(server.baseUrl(), server.token());
    }

    JsonNode get(String pathAndQuery) {
        return send(request(pathAndQuery).GET());
    }

    JsonNode post(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the request", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest.Builder b) {
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ClientException(ExitCodes.UNAVAILABLE, "cannot connect to " + base
                    + " (is the server running there? set --url or SIGNET_URL)");
        } catch (IOException e) {
            throw new ClientException(ExitCodes.UNAVAILABLE, "no answer from " + base + ": " + SignetCommand.message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.FAILED, "interrupted");
        }
        JsonNode body = parse(r.body());
        if (r.statusCode() / 100 == 2) {
            if (body == null) {
                throw new ClientException(ExitCodes.FAILED, "the server's answer is not JSON");
            }
            return body;
        }
        String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : "HTTP " + r.statusCode();
        String title = body != null && body.hasNonNull("title") ? body.get("title").asText() : "refused";
        throw new ClientException(ExitCodes.ofStatus(r.statusCode()), title.toLowerCase(java.util.Locale.ROOT)
                + " (" + r.statusCode() + "): " + detail);
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
