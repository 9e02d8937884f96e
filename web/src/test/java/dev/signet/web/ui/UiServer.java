package dev.signet.web.ui;

import dev.signet.ca.UserRecord;
import dev.signet.web.SignetServer;
import dev.signet.web.auth.Passwords;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Signet server on port 0 over a temporary data directory, with the admin UI password its
 * first start printed, and a plain HTTP client that can carry a session cookie (no redirects
 * followed, so tests see exactly what the server answered).
 */
final class UiServer implements AutoCloseable {

    static final Map<String, String> ENV = Map.of("SIGNET_HSM_PASSPHRASE", "test passphrase, not secret");
    private static final Pattern ADMIN_PASSWORD = Pattern.compile("password: (\\S+)");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    final SignetServer server;
    final String base;
    final String console;
    final String adminPassword;
    final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private UiServer(SignetServer server, String console, String adminPassword) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
        this.console = console;
        this.adminPassword = adminPassword;
    }

    /** The first start over {@code data}, which prints the admin password. */
    static UiServer start(Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer s = SignetServer.start(new ConfigLoader(ENV).load(null, data, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        Matcher m = ADMIN_PASSWORD.matcher(console);
        if (!m.find()) {
            s.close();
            throw new IllegalStateException("first start printed no admin password");
        }
        return new UiServer(s, console, m.group(1));
    }

    /** The first start over {@code data} with the configuration file {@code config}. */
    static UiServer start(Path config, Path data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer s = SignetServer.start(new ConfigLoader(ENV).load(config, data, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        Matcher m = ADMIN_PASSWORD.matcher(console);
        if (!m.find()) {
            s.close();
            throw new IllegalStateException("first start printed no admin password");
        }
        return new UiServer(s, console, m.group(1));
    }

    /** Another node beside a running one: the same {@code config} and {@code data}, its own port. */
    static UiServer another(Path config, Path data, String adminPassword) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer s = SignetServer.start(new ConfigLoader(ENV).load(config, data, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new UiServer(s, out.toString(StandardCharsets.UTF_8), adminPassword);
    }

    /** A later start over the same {@code data} (a restart), on a new port; the admin password is the one given. */
    static UiServer restart(Path data, String adminPassword) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer s = SignetServer.start(new ConfigLoader(ENV).load(null, data, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new UiServer(s, out.toString(StandardCharsets.UTF_8), adminPassword);
    }

    /** Creates a UI user directly in the store (as the CLI does). */
    void createUser(String username, String password, String role) {
        server.services().access().createUser(new UserRecord(username, Passwords.hash(password), role, Instant.now(), false), "test");
    }

    HttpResponse<String> get(String path, String sessionCookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (sessionCookie != null) {
            b.header("Cookie", SessionCookie.NAME + "=" + sessionCookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path, String sessionCookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (sessionCookie != null) {
            b.header("Cookie", SessionCookie.NAME + "=" + sessionCookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> postForm(String path, String sessionCookie, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionCookie != null) {
            b.header("Cookie", SessionCookie.NAME + "=" + sessionCookie);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in through the form (fetching it first for its CSRF token); returns the session cookie. */
    String login(String username, String password) throws Exception {
        HttpResponse<String> form = get("/ui/login", null);
        String pre = sessionCookie(form).orElseThrow();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("_csrf", csrf(form.body()));
        fields.put("username", username);
        fields.put("password", password);
        HttpResponse<String> r = postForm("/ui/login", pre, fields);
        if (r.statusCode() != 303) {
            throw new IllegalStateException("login failed with " + r.statusCode());
        }
        return sessionCookie(r).orElseThrow();
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF field on the page");
        }
        return m.group(1);
    }

    static Optional<String> sessionCookie(HttpResponse<?> r) {
        List<String> cookies = r.headers().allValues("Set-Cookie");
        for (String c : cookies) {
            if (c.startsWith(SessionCookie.NAME + "=")) {
                String v = c.substring(SessionCookie.NAME.length() + 1).split(";", 2)[0];
                if (!v.isEmpty()) {
                    return Optional.of(v);
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> setCookieHeader(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(SessionCookie.NAME + "=")).findFirst();
    }

    @Override
    public void close() {
        server.close();
    }
}
