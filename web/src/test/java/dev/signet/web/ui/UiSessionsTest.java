package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins, sessions, CSRF, error pages and escaping, over plain HTTP against a real server. */
class UiSessionsTest {

    static final String PASSWORD = "sessions password 1";

    @TempDir
    static Path data;

    static UiServer server;

    @BeforeAll
    static void start() {
        server = UiServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anonymous_login_page_floods_store_nothing_and_lock_nobody_out() throws Exception {
        server.createUser("flooded", PASSWORD, "auditor");
        long commits = server.server.services().database().commitCount();
        // More than the old cap on pre-login sessions (10,000), as fast as this client can.
        int pages = 10_050;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                statuses.add(pool.submit(() -> {
                    int bad = 0;
                    for (int i = 0; i < pages / 8 + 1; i++) {
                        if (server.get("/ui/login", null).statusCode() != 200) {
                            bad++;
                        }
                    }
                    return bad;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : statuses) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, server.get("/ui/login", null).statusCode());
        String cookie = server.login("flooded", PASSWORD);
        assertEquals(200, server.get("/ui", cookie).statusCode());
        assertTrue(server.server.services().database().commitCount() <= commits + 2,
                "the login page stores nothing (the login itself commits)");
    }

    @Test
    void a_login_token_from_the_cookie_is_not_a_session_and_a_forged_one_is_refused() throws Exception {
        server.createUser("forger", PASSWORD, "auditor");
        HttpResponse<String> form = server.get("/ui/login", null);
        String token = UiServer.sessionCookie(form).orElseThrow();
        assertEquals(303, server.get("/ui", token).statusCode(), "a login token logs nobody in");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertEquals(403, server.postForm("/ui/login", forged, fields(UiServer.csrf(form.body()), "forger", PASSWORD)).statusCode());
        assertEquals(303, server.postForm("/ui/login", token, fields(UiServer.csrf(form.body()), "forger", PASSWORD)).statusCode());
    }

    @Test
    void the_session_cookie_is_http_only_and_same_site_strict() throws Exception {
        HttpResponse<String> form = server.get("/ui/login", null);
        String cookie = UiServer.setCookieHeader(form).orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertTrue(cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains("Max-Age") || cookie.contains("Expires"), "a browser-session cookie: " + cookie);
        assertFalse(cookie.contains("Secure"), "plain HTTP here; Secure is set when the server speaks TLS");
        assertTrue(form.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertEquals("no-store", form.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void the_audit_page_filters_by_action_and_keeps_the_filter_across_pages() throws Exception {
        String cookie = server.login("admin", server.adminPassword);
        // More than one page (50 a page) of token.create entries.
        for (int i = 0; i < 55; i++) {
            server.server.services().access().createToken("filter-" + i, "auditor", java.util.Set.of(), null, "test");
        }
        HttpResponse<String> page = server.get("/ui/audit?action=token.create", cookie);
        assertEquals(200, page.statusCode());
        String table = page.body().substring(page.body().indexOf("id=\"audit-entries\""));
        assertTrue(table.contains("token.create"), table);
        assertFalse(table.contains("login.success"), "only the filtered action is listed");
        assertTrue(page.body().contains("value=\"token.create\""), "the form shows the filter");
        assertTrue(page.body().contains("href=\"/ui/audit?page=2&amp;action=token.create\""), "the next page keeps the filter");
        String second = server.get("/ui/audit?page=2&action=token.create", cookie).body();
        assertFalse(second.substring(second.indexOf("id=\"audit-entries\"")).contains("login.success"));
        // Markup in a filter is shown as text, never as markup.
        HttpResponse<String> hostile = server.get("/ui/audit?actor=%3Cscript%3Ex%3C%2Fscript%3E", cookie);
        assertEquals(200, hostile.statusCode());
        assertFalse(hostile.body().contains("<script>x</script>"), "the filter is escaped");
    }

    @Test
    void the_admin_password_printed_on_first_start_logs_in_and_a_second_start_prints_none() throws Exception {
        assertTrue(server.console.contains("user:     admin"), server.console);
        String cookie = server.login("admin", server.adminPassword);
        assertEquals(200, server.get("/ui/users", cookie).statusCode());
        List<AuditEntry> entries = server.server.services().auditLog().list(0, 200).items();
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("login.success") && e.objectId().equals("admin")));
        assertTrue(entries.stream().noneMatch(e -> e.details().contains(server.adminPassword)), "no password in the audit chain");
    }

    @Test
    void a_login_gets_a_new_session_id_and_the_old_one_is_worthless() throws Exception {
        server.createUser("fixation", PASSWORD, "auditor");
        HttpResponse<String> form = server.get("/ui/login", null);
        String pre = UiServer.sessionCookie(form).orElseThrow();
        HttpResponse<String> r = server.postForm("/ui/login", pre,
                fields(UiServer.csrf(form.body()), "fixation", PASSWORD));
        assertEquals(303, r.statusCode());
        String post = UiServer.sessionCookie(r).orElseThrow();
        assertNotEquals(pre, post);
        assertEquals(200, server.get("/ui", post).statusCode());
        assertEquals(303, server.get("/ui", pre).statusCode(), "the pre-login id does not log anyone in");
    }

    @Test
    void logging_out_ends_the_session() throws Exception {
        server.createUser("leaving", PASSWORD, "auditor");
        String cookie = server.login("leaving", PASSWORD);
        String csrf = UiServer.csrf(server.get("/ui", cookie).body());
        HttpResponse<String> out = server.postForm("/ui/logout", cookie, Map.of("_csrf", csrf));
        assertEquals(303, out.statusCode());
        assertEquals("/ui/login", out.headers().firstValue("Location").orElse(""));
        HttpResponse<String> after = server.get("/ui", cookie);
        assertEquals(303, after.statusCode());
        assertTrue(after.headers().firstValue("Location").orElse("").startsWith("/ui/login"));
    }

    @Test
    void a_login_without_the_forms_csrf_token_is_refused() throws Exception {
        server.createUser("csrf-login", PASSWORD, "auditor");
        HttpResponse<String> form = server.get("/ui/login", null);
        String pre = UiServer.sessionCookie(form).orElseThrow();
        assertEquals(403, server.postForm("/ui/login", pre, fields("wrong-token", "csrf-login", PASSWORD)).statusCode());
        Map<String, String> noToken = new LinkedHashMap<>(Map.of("username", "csrf-login", "password", PASSWORD));
        assertEquals(403, server.postForm("/ui/login", pre, noToken).statusCode());
        assertEquals(403, server.postForm("/ui/login", null, fields(UiServer.csrf(form.body()), "csrf-login", PASSWORD)).statusCode());
    }

    @Test
    void repeated_failed_logins_are_rate_limited_even_with_the_right_password_and_audited() throws Exception {
        server.createUser("mallory-target", PASSWORD, "officer");
        for (int i = 0; i < LoginThrottle.PER_USER; i++) {
            assertEquals(401, attempt("mallory-target", "guess " + i).statusCode());
        }
        HttpResponse<String> limited = attempt("mallory-target", PASSWORD);
        assertEquals(429, limited.statusCode());
        assertTrue(limited.body().contains("Too many failed logins"));
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        assertTrue(UiServer.sessionCookie(limited).isEmpty(), "no session for a limited login");
        List<AuditEntry> entries = server.server.services().auditLog().list(0, 200).items();
        long failures = entries.stream().filter(e -> e.action().equals("login.failure") && e.objectId().equals("mallory-target")).count();
        assertEquals(LoginThrottle.PER_USER + 1, failures);
        assertTrue(entries.stream().anyMatch(e -> e.objectId().equals("mallory-target") && e.details().contains("rate-limited")));
    }

    @Test
    void unknown_user_and_wrong_password_look_the_same() throws Exception {
        server.createUser("known", PASSWORD, "auditor");
        HttpResponse<String> unknown = attempt("unknown-user", PASSWORD);
        HttpResponse<String> wrong = attempt("known", "not the password");
        assertEquals(401, unknown.statusCode());
        assertEquals(401, wrong.statusCode());
        assertTrue(unknown.body().contains("Wrong user name or password."));
        assertTrue(wrong.body().contains("Wrong user name or password."));
    }

    @Test
    void after_login_only_ui_paths_are_followed() throws Exception {
        server.createUser("redirected", PASSWORD, "auditor");
        for (String next : List.of("//evil.example/", "https://evil.example/", "/\\evil.example", "/api/v1/tokens")) {
            HttpResponse<String> form = server.get("/ui/login", null);
            Map<String, String> f = fields(UiServer.csrf(form.body()), "redirected", PASSWORD);
            f.put("next", next);
            HttpResponse<String> r = server.postForm("/ui/login", UiServer.sessionCookie(form).orElseThrow(), f);
            assertEquals("/ui", r.headers().firstValue("Location").orElse(""), next);
        }
        HttpResponse<String> form = server.get("/ui/login", null);
        Map<String, String> f = fields(UiServer.csrf(form.body()), "redirected", PASSWORD);
        f.put("next", "/ui/audit?page=2");
        HttpResponse<String> r = server.postForm("/ui/login", UiServer.sessionCookie(form).orElseThrow(), f);
        assertEquals("/ui/audit?page=2", r.headers().firstValue("Location").orElse(""));
    }

    @Test
    void a_disabled_user_loses_the_session_and_cannot_log_in() throws Exception {
        server.createUser("disabled-soon", PASSWORD, "auditor");
        String victim = server.login("disabled-soon", PASSWORD);
        String admin = server.login("admin", server.adminPassword);
        String csrf = UiServer.csrf(server.get("/ui/users", admin).body());
        assertEquals(303, server.postForm("/ui/users/disabled-soon/disable", admin, Map.of("_csrf", csrf)).statusCode());
        assertEquals(303, server.get("/ui", victim).statusCode());
        assertEquals(401, attempt("disabled-soon", PASSWORD).statusCode());
        assertEquals(303, server.postForm("/ui/users/disabled-soon/enable", admin, Map.of("_csrf", csrf)).statusCode());
        assertEquals(303, attempt("disabled-soon", PASSWORD).statusCode());
    }

    @Test
    void errors_are_friendly_html_pages_never_stack_traces() throws Exception {
        String cookie = server.login("admin", server.adminPassword);
        for (String path : List.of("/ui/no-such-page", "/ui/cas/no-such-ca", "/ui/certificates/no-such-ca/abc",
                "/ui/certificates/signet-demo-issuing-ca/00ff", "/ui/certificates/signet-demo-issuing-ca/not-hex")) {
            HttpResponse<String> r = server.get(path, cookie);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
            assertTrue(r.body().contains("Not found"), path);
            assertFalse(r.body().contains("Exception") || r.body().contains("at dev.signet"), path + ": " + r.body());
        }
    }

    @Test
    void what_people_type_is_escaped_on_the_page() throws Exception {
        String cookie = server.login("admin", server.adminPassword);
        HttpResponse<String> r = server.get("/ui/certificates?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E", cookie);
        assertEquals(200, r.statusCode());
        assertFalse(r.body().contains("<script>alert(1)</script>"), "raw markup reflected");
        String field = r.body().lines().filter(l -> l.contains("id=\"q\"")).findFirst().orElseThrow();
        assertTrue(field.contains("alert(1)") && !field.contains("</script>\">"), "escaped in the search field: " + field);
    }

    @Test
    void an_issue_refused_by_policy_comes_back_on_the_form_with_the_reason() throws Exception {
        server.createUser("officer-policy", PASSWORD, "officer");
        String cookie = server.login("officer-policy", PASSWORD);
        String csrf = UiServer.csrf(server.get("/ui/issue", cookie).body());
        Map<String, String> f = new LinkedHashMap<>();
        f.put("_csrf", csrf);
        f.put("ca", "signet-demo-issuing-ca");
        f.put("profile", "tls-server");
        f.put("csr", Csrs.tlsServer("Not_A_Valid_Host!"));
        HttpResponse<String> r = server.postForm("/ui/issue", cookie, f);
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"issue-error\""));
        assertTrue(r.body().contains("BEGIN CERTIFICATE REQUEST"), "the CSR stays in the form");

        f.put("csr", "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----");
        assertEquals(400, server.postForm("/ui/issue", cookie, f).statusCode());
        f.put("csr", "A".repeat(IssueController.MAX_CSR_BYTES + 1));
        assertEquals(413, server.postForm("/ui/issue", cookie, f).statusCode());
        // Larger still: refused from its Content-Length, before the body is parsed.
        f.put("csr", "A".repeat((int) UiGate.MAX_FORM_BYTES + 1));
        HttpResponse<String> huge = server.postForm("/ui/issue", cookie, f);
        assertEquals(413, huge.statusCode());
        assertTrue(huge.body().contains("too large"));
    }

    @Test
    void a_notice_on_the_certificate_page_comes_from_the_server_never_from_the_url() throws Exception {
        server.createUser("officer-notice", PASSWORD, "officer");
        String cookie = server.login("officer-notice", PASSWORD);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("_csrf", UiServer.csrf(server.get("/ui/issue", cookie).body()));
        f.put("ca", "signet-demo-issuing-ca");
        f.put("profile", "tls-server");
        f.put("csr", Csrs.tlsServer("notice.example.org"));
        HttpResponse<String> issued = server.postForm("/ui/issue", cookie, f);
        assertEquals(303, issued.statusCode(), issued.body());
        String page = issued.headers().firstValue("Location").orElseThrow();
        assertFalse(page.contains("?"), page);
        assertTrue(server.get(page, cookie).body().contains("id=\"issued-notice\""), "shown once, after the redirect");
        assertFalse(server.get(page, cookie).body().contains("id=\"issued-notice\""), "and only once");
        // A link anyone can send: its text must not appear as if the server said it.
        String crafted = server.get(page + "?identity=Security+notice:+call+0800+123&issued=1", cookie).body();
        assertFalse(crafted.contains("Security notice"), "the query string is no message");
        assertFalse(crafted.contains("id=\"identity-notice\"") || crafted.contains("id=\"issued-notice\""));
    }

    @Test
    void certificate_search_pages_through_matches() throws Exception {
        for (int i = 0; i < CertificatesController.PAGE_SIZE + 2; i++) {
            server.server.services().authorities().issue("signet-demo-issuing-ca", "tls-server",
                    Csrs.tlsServer("paging-" + i + ".example.net").getBytes(java.nio.charset.StandardCharsets.US_ASCII), "test");
        }
        String cookie = server.login("admin", server.adminPassword);
        HttpResponse<String> first = server.get("/ui/certificates?q=example.net", cookie);
        assertEquals(CertificatesController.PAGE_SIZE, rows(first.body()));
        assertTrue(first.body().contains((CertificatesController.PAGE_SIZE + 2) + " certificates found."));
        assertTrue(first.body().contains("href=\"/ui/certificates?page=2&amp;q=example.net\""), "a link to page 2");
        HttpResponse<String> second = server.get("/ui/certificates?page=2&q=example.net", cookie);
        assertEquals(2, rows(second.body()));
        assertTrue(second.body().contains("Page 2 of 2"));
        assertEquals(0, rows(server.get("/ui/certificates?q=no-such-name.example", cookie).body()));
        assertEquals(CertificatesController.PAGE_SIZE, rows(server.get("/ui/certificates?page=x&q=example.net", cookie).body()));
    }

    private static int rows(String html) {
        return html.split("<td><a href=\"/ui/certificates/", -1).length - 1;
    }

    private HttpResponse<String> attempt(String username, String password) throws Exception {
        HttpResponse<String> form = server.get("/ui/login", null);
        return server.postForm("/ui/login", UiServer.sessionCookie(form).orElseThrow(),
                fields(UiServer.csrf(form.body()), username, password));
    }

    private static Map<String, String> fields(String csrf, String username, String password) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("_csrf", csrf);
        f.put("username", username);
        f.put("password", password);
        return f;
    }
}
