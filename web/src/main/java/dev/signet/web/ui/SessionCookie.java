package dev.signet.web.ui;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
 * it), Secure when the server speaks TLS, and a session cookie (no Max-Age): the server decides
 * expiry.
 */
final class SessionCookie {

    static final String NAME = "signet_session";

    private final boolean secure;

    SessionCookie(boolean secure) {
        this.secure = secure;
    }

    String read(Context ctx) {
        return ctx.cookie(NAME);
    }

    void write(Context ctx, Session session) {
        ctx.cookie(new Cookie(NAME, session.id(), "/", -1, secure, true, null, SameSite.STRICT));
    }

    /** Before login the cookie holds a signed login token ({@link LoginTokens}), not a session id. */
    void writeLoginToken(Context ctx, String token) {
        ctx.cookie(new Cookie(NAME, token, "/", -1, secure, true, null, SameSite.STRICT));
    }

    void clear(Context ctx) {
        ctx.cookie(new Cookie(NAME, "", "/", 0, secure, true, null, SameSite.STRICT));
    }
}
