package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.SoftHsm2Token;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database (two servers on one SQLite file, which WAL allows, and one SoftHSM2
 * token): the login form and
 * the login throttle behave the same whichever node answers each request.
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
}
