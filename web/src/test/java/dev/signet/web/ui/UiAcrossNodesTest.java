package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.SoftHsm2Token;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database (two servers on one SQLite file, which WAL allows, and one SoftHSM2
 * token): the login form, the login throttle and the once-shown secrets behave the same whichever
 * node answers each request.
 */
class UiAcrossNodesTest {

    @TempDir
    static Path data;
    static UiServer a;
    static UiServer b;

    @BeforeAll
    static void start() throws Exception {
        // The software HSM's key directory admits one process; several nodes share a PKCS#11 token.
        Path config = java.nio.file.Files.writeString(data.resolve("signet.yaml"),
                SoftHsm2Token.settings(data, SoftHsm2Token.Use.UI_NODES));
        a = UiServer.start(config, data.resolve("data"));
        b = UiServer.another(config, data.resolve("data"), a.adminPassword);
    }

    @AfterAll
    static void stop() {
        b.server.close();
        a.server.close();
    }

    private static Map<String, String> fields(String csrf, String user, String password) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("_csrf", csrf);
        f.put("username", user);
        f.put("password", password);
        return f;
    }

    @Test
    void a_login_form_from_one_node_is_accepted_by_the_other() throws Exception {
        a.createUser("roaming", "roaming password 1", "officer");
        HttpResponse<String> form = a.get("/ui/login", null);
        String pre = UiServer.sessionCookie(form).orElseThrow();
        HttpResponse<String> in = b.postForm("/ui/login", pre, fields(UiServer.csrf(form.body()), "roaming", "roaming password 1"));
        assertEquals(303, in.statusCode(), in.body());
        String session = UiServer.sessionCookie(in).orElseThrow();
        assertEquals(200, a.get("/ui", session).statusCode(), "the session is good on the first node too");
    }

    @Test
    void failed_logins_on_both_nodes_add_up_to_one_lock() throws Exception {
        a.createUser("target", "the right password", "officer");
        for (int i = 0; i < LoginThrottle.PER_USER; i++) {
            UiServer node = i % 2 == 0 ? a : b;
            HttpResponse<String> form = node.get("/ui/login", null);
            HttpResponse<String> r = node.postForm("/ui/login", UiServer.sessionCookie(form).orElseThrow(),
                    fields(UiServer.csrf(form.body()), "target", "wrong " + i));
            assertEquals(401, r.statusCode(), "attempt " + i + ": " + r.body());
        }
        for (UiServer node : new UiServer[] {a, b}) {
            HttpResponse<String> form = node.get("/ui/login", null);
            HttpResponse<String> r = node.postForm("/ui/login", UiServer.sessionCookie(form).orElseThrow(),
                    fields(UiServer.csrf(form.body()), "target", "the right password"));
            assertEquals(429, r.statusCode(), "locked on every node, even with the right password");
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
        }
    }

    private static final Pattern SECRET = Pattern.compile("id=\"token-secret\">([^<]+)<");

    @Test
    void a_token_made_through_one_nodes_ui_is_shown_once_by_the_other_and_never_again() throws Exception {
        String session = a.login("admin", a.adminPassword);
        String csrf = UiServer.csrf(a.get("/ui/tokens", session).body());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_csrf", csrf);
        form.put("name", "made on node a");
        form.put("role", "auditor");
        form.put("expiresDays", "");
        HttpResponse<String> made = a.postForm("/ui/tokens", session, form);
        assertEquals(303, made.statusCode(), made.body());

        HttpResponse<String> shown = b.get("/ui/tokens", session);
        assertEquals(200, shown.statusCode());
        Matcher m = SECRET.matcher(shown.body());
        assertTrue(m.find(), "the page after the redirect, served by the other node, shows the secret");
        String secret = m.group(1).strip();
        assertEquals("no-store", shown.headers().firstValue("Cache-Control").orElse(""));
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(b.base + "/api/v1/cas"))
                .header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api.statusCode(), "the secret shown is the token's");

        for (UiServer node : new UiServer[] {b, a}) {
            String again = node.get("/ui/tokens", session).body();
            assertFalse(again.contains("token-secret"), "shown once: not again on either node");
            assertFalse(again.contains(secret));
        }
    }

    @Test
    void a_generated_password_made_on_one_node_is_shown_once_by_the_other() throws Exception {
        String session = b.login("admin", a.adminPassword);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_csrf", UiServer.csrf(b.get("/ui/users", session).body()));
        form.put("username", "generated");
        form.put("role", "auditor");
        form.put("password", "");
        assertEquals(303, b.postForm("/ui/users", session, form).statusCode());
        String page = a.get("/ui/users", session).body();
        Matcher m = Pattern.compile("id=\"generated-password\">([^<]+)<").matcher(page);
        assertTrue(m.find(), page);
        String password = m.group(1).strip();
        a.login("generated", password); // throws unless the password shown is the user's
        assertFalse(b.get("/ui/users", session).body().contains(password));
        assertFalse(a.get("/ui/users", session).body().contains(password));
    }
}
