package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.SignetServer;
import dev.signet.web.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over TLS the session cookie is also Secure, so a browser never sends it over plain HTTP. */
class UiTlsTest {

    @TempDir
    Path dir;

    @Test
    void over_tls_the_session_cookie_is_secure() throws Exception {
        TestTls tls = TestTls.start(dir, UiServer.ENV);
        try (SignetServer server = tls.server) {
            HttpClient client = tls.client;
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/ui/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String cookie = UiServer.setCookieHeader(r).orElseThrow();
            assertTrue(cookie.contains("Secure"), cookie);
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        }
    }
}
