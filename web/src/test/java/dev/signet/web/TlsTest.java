package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PEM certificate and key made by openssl, checked by the JDK's TLS client. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void serves_https_with_a_pem_certificate_and_key() throws Exception {
        TestTls tls = TestTls.start(dir, TestServer.ENV);
        try (SignetServer server = tls.server) {
            HttpClient client = tls.client;
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("max-age=31536000", r.headers().firstValue("Strict-Transport-Security").orElse(""), "HSTS");
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/api/v1/nothing")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals("max-age=31536000", missing.headers().firstValue("Strict-Transport-Security").orElse(""), "HSTS on errors too");
            assertEquals("ok", dev.signet.web.http.Json.MAPPER.readTree(r.body()).get("status").asText());
        }
    }
}
