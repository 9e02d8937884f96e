package dev.signet.web.http;

import dev.signet.ca.CaException;
import dev.signet.ca.DataKeyException;
import dev.signet.hsm.HsmException;
import dev.signet.signing.SigningException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses: every error is an RFC 9457 problem. Bad
 * input is a 4xx with a helpful detail; anything unexpected is a 500 whose detail is only an
 * incident id (the cause is logged under that id), so internals never reach the client.
 */
public final class ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static void register(RoutesConfig routes) {
        routes.exception(Exception.class, (e, ctx) -> respond(ctx, e));
        // Javalin answers some requests itself (no route: 404; 405; body over the limit: 413);
        // give those the same shape. A handler's own problem response, and a UI page's own HTML
        // error page, are left alone.
        for (ProblemType kind : ProblemType.values()) {
            routes.error(kind.status(), ctx -> {
                if (!isProblem(ctx)) {
                    write(ctx, kind, switch (kind) {
                        case NOT_FOUND -> "no resource at " + ctx.path();
                        case METHOD_NOT_ALLOWED -> ctx.method() + " is not allowed on " + ctx.path();
                        default -> kind.title();
                    });
                }
            });
        }
    }

    /**
     * The HTTP status of a domain exception that is the client's error (the same table the API's
     * problems come from), or 0 when it is not one: for UI pages that render their own error.
     */
    public static int clientStatus(Exception e) {
        ProblemType kind = DomainErrors.classify(e);
        return kind == null ? 0 : kind.status();
    }

    static void respond(Context ctx, Exception e) {
        if (ClientGone.is(e)) {
            LOG.info("client {} went away during {} {} ({})", ctx.ip(), ctx.method(), ctx.path(), ClientGone.describe(e));
            write(ctx, ProblemType.MALFORMED_REQUEST, "the request ended before its body was complete");
            return;
        }
        if (e instanceof ApiException api) {
            write(ctx, api.problem(), api.getMessage());
            return;
        }
        if (e instanceof HttpResponseException http) {
            ProblemType kind = switch (http.getStatus()) {
                case 400 -> ProblemType.MALFORMED_REQUEST;
                case 401 -> ProblemType.UNAUTHORIZED;
                case 403 -> ProblemType.FORBIDDEN;
                case 404 -> ProblemType.NOT_FOUND;
                case 405 -> ProblemType.METHOD_NOT_ALLOWED;
                case 409 -> ProblemType.CONFLICT;
                case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
                case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
                default -> null;
            };
            if (kind != null) {
                write(ctx, kind, http.getMessage());
                return;
            }
        }
        ProblemType domain = DomainErrors.classify(e);
        if (domain != null) {
            write(ctx, domain, e.getMessage(), e instanceof CaException ca ? ca.code()
                    : e instanceof SigningException se ? se.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    : e instanceof DataKeyException dk ? dk.code() : null);
            return;
        }
        if (e instanceof HsmException || e instanceof CaException) {
            // Backend trouble (token missing, login refused, database) is ours, not the client's.
            String incident = incident(e, ctx);
            write(ctx, ProblemType.UNAVAILABLE, "the key backend failed; incident " + incident);
            return;
        }
        String incident = incident(e, ctx);
        write(ctx, ProblemType.INTERNAL_ERROR, "incident " + incident);
    }

    private static String incident(Exception e, Context ctx) {
        String id = UUID.randomUUID().toString();
        LOG.error("incident {} on {} {}", id, ctx.method(), ctx.path(), e);
        return id;
    }

    public static void write(Context ctx, ProblemType kind, String detail) {
        write(ctx, kind, detail, null);
    }

    public static void write(Context ctx, ProblemType kind, String detail, String code) {
        if (kind == ProblemType.UNAUTHORIZED) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"signet\"");
        }
        Json.write(ctx, kind.status(), Problem.MEDIA_TYPE, Problem.of(kind, detail, ctx.path(), code));
    }

    private static boolean isProblem(Context ctx) {
        String ct = ctx.res().getContentType();
        return ct != null && (ct.startsWith(Problem.MEDIA_TYPE) || ct.startsWith("text/html"));
    }
}
