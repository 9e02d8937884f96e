package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Passwords;
import dev.signet.web.config.ConfigException;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a TLS-terminating proxy every connection comes from the proxy. With the proxy's address in
 * {@code server.trustedProxies}, the login limits count the client that the proxy names in
 * X-Forwarded-For; without it, the header is ignored, so no client escapes its limit by sending one.
 */
class TrustedProxyTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final String PASSWORD = "proxied password 1";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private SignetServer start(String configText) throws Exception {
        Path config = Files.writeString(dir.resolve("signet.yaml"), configText);
        SignetServer s = SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        s.services().access().createUser(new UserRecord("real", Passwords.hash(PASSWORD), "auditor", Instant.now(), false), "test");
        return s;
    }

    /** One login attempt through the "proxy", which says the client is {@code forwardedFor}. */
    private int login(SignetServer s, String forwardedFor, String username, String password) throws Exception {
        String base = "http://127.0.0.1:" + s.port();
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/login"))
                .header("X-Forwarded-For", forwardedFor).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher m = CSRF.matcher(form.body());
        assertTrue(m.find(), form.body());
        String body = "_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8) + "&username=" + username
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return client.send(HttpRequest.newBuilder(URI.create(base + "/ui/login")).header("Cookie", cookie)
                .header("X-Forwarded-For", forwardedFor).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void behind_a_trusted_proxy_one_client_failing_logins_does_not_lock_out_the_others() throws Exception {
        try (SignetServer s = start("server:\n  trustedProxies: \"127.0.0.1, ::1\"\n")) {
            for (int i = 0; i < 20; i++) {
                assertEquals(401, login(s, "198.51.100.9, 203.0.113.7", "guess" + i, "wrong"));
            }
            assertEquals(429, login(s, "198.51.100.9, 203.0.113.7", "guess-more", "wrong"), "that client is limited");
            // The left-most entry is the client's own claim; only what the proxy appended counts.
            assertEquals(429, login(s, "203.0.113.8, 203.0.113.7", "guess-more", "wrong"));
            assertEquals(303, login(s, "203.0.113.8", "real", PASSWORD), "another client behind the same proxy logs in");
        }
    }

    @Test
    void without_the_setting_x_forwarded_for_is_ignored() throws Exception {
        try (SignetServer s = start("server:\n  host: 127.0.0.1\n")) {
            for (int i = 0; i < 20; i++) {
                assertEquals(401, login(s, "203.0.113." + i, "guess" + i, "wrong"));
            }
            assertEquals(429, login(s, "203.0.113.99", "real", PASSWORD), "a made-up header does not reset the limit");
        }
    }

    @Test
    void a_proxy_must_be_given_as_an_address() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> start(
                "server:\n  trustedProxies: \"127.0.0.1, proxy.example.com\"\n"));
        assertEquals("server.trustedProxies", e.setting());
    }
}
