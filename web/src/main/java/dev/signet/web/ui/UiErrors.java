package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.web.http.ClientGone;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import dev.signet.web.auth.Role;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a UI page throws into a friendly HTML page with the right status. Domain messages
 * are written for requesters (names and ids, no secrets) and are shown; anything unexpected shows
 * only an incident id, and the cause is logged under it. Never a stack trace.
 */
public final class UiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(UiErrors.class);

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** What the error page shows. */
    public record ErrorModel(int status, String heading, String message) {}

    private final Templates templates;

    UiErrors(Templates templates) {
        this.templates = templates;
    }

    void guard(Context ctx, Viewer viewer, Body body) {
        try {
            body.run();
        } catch (UiException e) {
            page(ctx, viewer, e.status(), e.getMessage());
        } catch (CaException e) {
            if (e.kind() == CaException.Kind.UNAVAILABLE) {
                page(ctx, viewer, 503, "The key backend or the database failed; nothing was changed. Incident "
                        + incident(ctx, e) + ".");
            } else {
                page(ctx, viewer, status(e.kind()), e.getMessage());
            }
        } catch (NotFoundException e) {
            page(ctx, viewer, 404, e.getMessage());
        } catch (AlreadyExistsException e) {
            page(ctx, viewer, 409, e.getMessage());
        } catch (InvalidRecordException e) {
            page(ctx, viewer, 422, e.getMessage());
        } catch (HttpResponseException e) {
            page(ctx, viewer, e.getStatus() >= 400 && e.getStatus() < 500 ? e.getStatus() : 500,
                    e.getStatus() == 413 ? "The upload is too large." : "The request could not be handled.");
        } catch (Exception e) {
            if (ClientGone.is(e)) {
                LOG.info("client {} went away during {} {} ({})", ctx.ip(), ctx.method(), ctx.path(), ClientGone.describe(e));
                page(ctx, viewer, 400, "The request ended before it was complete.");
                return;
            }
            page(ctx, viewer, 500, "Something went wrong on our side. Incident " + incident(ctx, e) + ".");
        }
    }

    void forbidden(Context ctx, Viewer viewer, Set<Role> needed) {
        String how = viewer.role() == Role.ADMIN
                ? " As an administrator, create a user with that role on the Users page (or with "
                        + "signet user create --role " + Role.leastPrivileged(needed).id() + "), then log in as that user."
                : " An administrator can give you an account with that role.";
        page(ctx, viewer, 403, "This page needs the " + Role.describe(needed) + "; you are logged in as "
                + viewer.username() + " with role " + viewer.role().id() + "." + how);
    }

    void notFound(Context ctx, Viewer viewer) {
        page(ctx, viewer, 404, "There is no page at " + ctx.path() + ".");
    }

    void page(Context ctx, Viewer viewer, int status, String message) {
        templates.render(ctx, status, "error.jte", Map.of(
                "frame", Frame.of(heading(status), "", viewer),
                "error", new ErrorModel(status, heading(status), message)));
    }

    static int status(CaException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case BAD_REQUEST -> 400;
            case POLICY_REFUSED -> 422;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
            case UNAVAILABLE -> 503;
        };
    }

    static String heading(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 413 -> "Too large";
            case 422 -> "Refused by policy";
            case 429 -> "Too many attempts";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Internal error" : "Request refused";
        };
    }

    private static String incident(Context ctx, Exception e) {
        String id = UUID.randomUUID().toString();
        LOG.error("incident {} on {} {}", id, ctx.method(), ctx.path(), e);
        return id;
    }
}
