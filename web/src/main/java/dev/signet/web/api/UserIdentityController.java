package dev.signet.web.api;

import dev.signet.ca.Accounts;
import dev.signet.ca.NotFoundException;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code /api/v1/users/{username}/identities} (admin): which signer identities a UI user of role
 * signer may sign with on the "Sign a PDF" page, as the UI's Users page manages them. Each grant
 * and withdrawal is audited by the store in the same transaction.
 */
public final class UserIdentityController {

    public record GrantRequest(String identity) {}

    public record UserIdentities(String username, List<String> identities) {}

    private final Accounts access;

    public UserIdentityController(Accounts access) {
        this.access = access;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, view(user(ctx)));
    }

    public void grant(Context ctx) {
        String username = user(ctx);
        access.grantIdentity(username, identity(ctx), Guard.principal(ctx).actor());
        Json.write(ctx, 200, view(username));
    }

    public void revoke(Context ctx) {
        String username = user(ctx);
        access.revokeIdentity(username, identity(ctx), Guard.principal(ctx).actor());
        Json.write(ctx, 200, view(username));
    }

    private UserIdentities view(String username) {
        return new UserIdentities(username, access.identitiesOf(username));
    }

    private String user(Context ctx) {
        String username = ctx.pathParam("username");
        if (access.findUser(username).isEmpty()) {
            throw new NotFoundException("user", username);
        }
        return username;
    }

    private static String identity(Context ctx) {
        GrantRequest req = Json.read(ctx, GrantRequest.class);
        if (req.identity() == null || req.identity().isBlank()) {
            throw ApiException.badRequest("identity is required ({caId}.{serial})");
        }
        return req.identity();
    }
}
