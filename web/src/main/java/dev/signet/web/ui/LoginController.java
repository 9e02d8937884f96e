package dev.signet.web.ui;

import dev.signet.ca.Accounts;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Passwords;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.auth.UserNames;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /ui/login} and {@code /ui/logout}. The login form is CSRF-protected too (by a signed,
 * short-lived token in the session cookie: {@link LoginTokens}, nothing stored), failed logins are rate-limited per user name and per client address, and
 * every attempt, successful or not, lands in the audit chain. A successful login gets a new session
 * id, so an id planted before login is worth nothing after it.
 */
public final class LoginController {

    /** What the login page shows. */
    public record LoginModel(String csrfToken, String username, String next, String error) {}

    private final SessionStore sessions;
    private final SessionCookie cookie;
    private final Accounts access;
    private final AuditTrail events;
    private final SecurityAudit audit;
    private final LoginThrottle throttle;
    private final LoginTokens tokens;
    private final Templates templates;
    private final UiErrors errors;

    LoginController(SessionStore sessions, SessionCookie cookie, Accounts access, AuditTrail events,
                    SecurityAudit audit, LoginThrottle throttle, LoginTokens tokens, Templates templates, UiErrors errors) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.access = access;
        this.events = events;
        this.audit = audit;
        this.throttle = throttle;
        this.tokens = tokens;
        this.templates = templates;
        this.errors = errors;
    }

    void form(Context ctx) {
        errors.guard(ctx, null, () -> {
            String value = cookie.read(ctx);
            Optional<Session> current = sessions.find(value);
            if (current.isPresent()) {
                ctx.redirect("/ui", HttpStatus.SEE_OTHER);
                return;
            }
            String token = tokens.valid(value) ? value : newLoginToken(ctx);
            show(ctx, 200, tokens.csrfFor(token), "", safeNext(ctx.queryParam("next")), null);
        });
    }

    void login(Context ctx) {
        errors.guard(ctx, null, () -> {
            if (ctx.contentLength() < 0 || ctx.contentLength() > 4096) {
                throw new UiException(413, "The login form is too large.");
            }
            String pre = cookie.read(ctx);
            // The form of the login page (a login token), or of a logged-in session logging in again.
            Optional<Session> current = tokens.valid(pre) ? Optional.empty() : sessions.find(pre);
            String expectedCsrf = tokens.valid(pre) ? tokens.csrfFor(pre) : current.map(Session::csrfToken).orElse(null);
            if (expectedCsrf == null || !UiGate.csrfMatches(ctx, expectedCsrf)) {
                audit.refusedAnonymously(ctx.ip(), "POST", ctx.path(), 403, "login without a valid CSRF token");
                throw new UiException(403, "The login form expired. Reload the login page and try again.");
            }
            String username = ctx.formParam("username") == null ? "" : ctx.formParam("username").strip();
            String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
            String next = safeNext(ctx.formParam("next"));
            String client = ctx.ip();

            Duration wait = throttle.wait(username, client);
            if (!wait.isZero() && !wait.isNegative()) {
                recordFailure(username, client, "rate-limited");
                long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
                ctx.header("Retry-After", Long.toString(Math.max(1, wait.toSeconds())));
                show(ctx, 429, expectedCsrf, username, next, "Too many failed logins. Try again in " + minutes
                        + (minutes == 1 ? " minute." : " minutes."));
                return;
            }
            Optional<UserRecord> user = UserNames.problem(username) == null ? access.findUser(username) : Optional.empty();
            String failure;
            if (user.isEmpty()) {
                Passwords.verifyDummy(password);
                failure = "unknown-user";
            } else if (!Passwords.verify(password, user.get().passwordHash())) {
                failure = "wrong-password";
            } else if (user.get().disabled()) {
                failure = "user-disabled";
            } else {
                failure = null;
            }
            if (failure != null) {
                throttle.failed(username, client);
                recordFailure(username, client, failure);
                // One message for every cause: the page does not tell which names exist.
                show(ctx, 401, expectedCsrf, username, next, "Wrong user name or password.");
                return;
            }
            throttle.succeeded(username);
            current.ifPresent(old -> sessions.end(old.id()));
            Session session = sessions.openFor(username, AuditEvent.of("user:" + username, "login.success", "user",
                    username, Map.of("client", client)));
            cookie.write(ctx, session);
            ctx.redirect(next, HttpStatus.SEE_OTHER);
        });
    }

    void logout(Context ctx, Viewer viewer) {
        sessions.logout(cookie.read(ctx), new AuditEvent(viewer.actor(), "logout", "user", viewer.username(), "{}"));
        cookie.clear(ctx);
        ctx.redirect("/ui/login", HttpStatus.SEE_OTHER);
    }

    private String newLoginToken(Context ctx) {
        String token = tokens.issue();
        cookie.writeLoginToken(ctx, token);
        return token;
    }

    private void show(Context ctx, int status, String csrf, String username, String next, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Log in", "login", null));
        params.put("login", new LoginModel(csrf, username, next, error));
        templates.render(ctx, status, "login.jte", params);
    }

    private void recordFailure(String username, String client, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("client", client);
        details.put("reason", reason);
        String name = username.isEmpty() ? "(empty)" : username.length() <= 100 ? username : username.substring(0, 100) + "...";
        events.record(AuditEvent.of("anonymous", "login.failure", "user", name, details));
    }

    /** Only a path inside the UI: never another host ({@code //evil}, {@code /\evil}) or an API URL. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/ui") || next.startsWith("//") || next.contains("\\")
                || next.length() > 500 || next.startsWith("/ui/login") || next.startsWith("/ui/logout")) {
            return "/ui";
        }
        for (int i = 0; i < next.length(); i++) {
            if (next.charAt(i) < 0x20) {
                return "/ui";
            }
        }
        return next;
    }
}
