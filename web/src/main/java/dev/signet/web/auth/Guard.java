package dev.signet.web.auth;

import dev.signet.web.http.ApiException;
import dev.signet.web.http.ProblemType;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Checks a route's {@link Access} before its handler runs; every refusal goes to the audit chain
 * (those without a credential counted per client, the others one entry each).
 * Handlers read the caller with {@link #principal(Context)}.
 */
public final class Guard {

    private static final String PRINCIPAL = "signet.principal";

    private final Authenticator authenticator;
    private final SecurityAudit audit;

    public Guard(Authenticator authenticator, SecurityAudit audit) {
        this.authenticator = authenticator;
        this.audit = audit;
    }

    public Handler protect(Access access, Handler handler) {
        if (access.isPublic()) {
            return handler;
        }
        return ctx -> {
            Principal p;
            try {
                p = authenticator.authenticate(ctx.header("Authorization"));
            } catch (ApiException e) {
                audit.refusedAnonymously(ctx.ip(), ctx.method().name(), ctx.path(), 401, e.getMessage());
                throw e;
            }
            if (!access.allows(p.role())) {
                audit.refused(p.actor(), ctx.method().name(), ctx.path(), 403, "role " + p.role().id());
                throw new ApiException(ProblemType.FORBIDDEN, "role " + p.role().id() + " may not do this; it needs "
                        + access.describeRoles() + " (an admin creates one: signet token create --role "
                        + access.leastPrivileged().id() + ")");
            }
            ctx.attribute(PRINCIPAL, p);
            handler.handle(ctx);
        };
    }

    /** The authenticated caller of a protected route. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal: route not protected");
        }
        return p;
    }
}
