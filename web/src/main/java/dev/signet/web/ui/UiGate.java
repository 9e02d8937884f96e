package dev.signet.web.ui;

import dev.signet.ca.Accounts;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.SecurityAudit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * What stands in front of every UI page: the session (else to the login page), the CSRF token on
 * every POST (else 403), the role (else 403), and friendly error pages for whatever goes wrong.
 * Refusals go to the audit chain as the API's do.
 */
final class UiGate {

    /** Name of the hidden form field that carries the CSRF token. */
    static final String CSRF_FIELD = "_csrf";
    /**
     * Largest form accepted, checked from Content-Length before the body is parsed (multipart
     * uploads are not bounded by the API's request limit): a CSR upload and a few fields.
     */
    static final long MAX_FORM_BYTES = 256 * 1024;

    /** Up to this size a refused form body is read and dropped before the 413 is sent. */
    private static final long DISCARD_LIMIT_BYTES = 2 * 1024 * 1024;

    /** A page handler, given the logged-in viewer. */
    @FunctionalInterface
    interface Page {
        void handle(Context ctx, Viewer viewer) throws Exception;
    }

    private final SessionStore sessions;
    private final SessionCookie cookie;
    private final Accounts access;
    private final SecurityAudit audit;
    private final UiErrors errors;

    private final long maxValidationBytes;

    UiGate(SessionStore sessions, SessionCookie cookie, Accounts access, SecurityAudit audit, UiErrors errors,
            long maxValidationBytes) {
        this.maxValidationBytes = maxValidationBytes;
        this.sessions = sessions;
        this.cookie = cookie;
        this.access = access;
        this.audit = audit;
        this.errors = errors;
    }

    /** {@code page}, open to logged-in users with one of {@code roles}. */
    Handler page(Set<Role> roles, Page page) {
        return upload(roles, 0, page);
    }

    /** As {@link #page}, for a form that uploads files of up to {@code maxBytes} in all (0: the usual limit). */
    Handler upload(Set<Role> roles, long maxBytes, Page page) {
        return ctx -> errors.guard(ctx, null, () -> {
            Optional<Session> session = sessions.find(cookie.read(ctx));
            Viewer viewer = session.flatMap(this::viewer).orElse(null);
            if (viewer == null) {
                session.ifPresent(s -> sessions.end(s.id()));
                if (ctx.method() == HandlerType.POST) {
                    // A form from an expired session: refuse it, do not replay it after login.
                    audit.refusedAnonymously(ctx.ip(), "POST", ctx.path(), 403, "no session");
                    throw new UiException(403, "Your session has ended. Log in again and repeat the action.");
                }
                String next = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
                ctx.redirect("/ui/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
                return;
            }
            long limit = maxBytes > 0 ? maxBytes
                    : ctx.path().equals("/ui/validate") ? maxValidationBytes + MAX_FORM_BYTES : MAX_FORM_BYTES;
            if (ctx.method() == HandlerType.POST && (ctx.contentLength() < 0 || ctx.contentLength() > limit)) {
                discardModestBody(ctx);
                throw new UiException(413, (limit > MAX_FORM_BYTES ? "The upload" : "The form") + " is too large (at most "
                        + (limit >= 1 << 20 ? (limit >> 20) + " MiB)." : limit / 1024 + " KiB)."));
            }
            if (ctx.method() == HandlerType.POST && !csrfMatches(ctx, viewer.csrfToken())) {
                audit.refused(viewer.actor(), "POST", ctx.path(), 403, "missing or wrong CSRF token");
                throw new UiException(403, "This form did not come from a page of this site, or it expired. "
                        + "Go back, reload the page and try again.");
            }
            if (!viewer.is(roles)) {
                audit.refused(viewer.actor(), ctx.method().name(), ctx.path(), 403, "role " + viewer.role().id());
                errors.forbidden(ctx, viewer, roles);
                return;
            }
            page.handle(ctx, viewer);
        });
    }

    /**
     * Reads and drops a refused body that is only moderately too large, so that the browser, still
     * sending it, gets to read the 413 page instead of a reset connection (Tomcat's "swallow" does
     * the same). Nothing of it is parsed or kept; a larger body is not read and the connection closes.
     */
    private static void discardModestBody(Context ctx) throws java.io.IOException {
        long length = ctx.contentLength();
        if (length > 0 && length <= DISCARD_LIMIT_BYTES) {
            ctx.req().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** The viewer of a logged-in session, if its user still exists and is enabled. */
    private Optional<Viewer> viewer(Session s) {
        Optional<UserRecord> user = access.findUser(s.username());
        if (user.isEmpty() || user.get().disabled()) {
            return Optional.empty();
        }
        return Optional.of(new Viewer(s.username(), Role.parse(user.get().role()), s.csrfToken()));
    }

    /** Constant-time comparison of the posted token with the session's. */
    static boolean csrfMatches(Context ctx, String expected) {
        String posted = ctx.formParam(CSRF_FIELD);
        if (posted == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(posted.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
