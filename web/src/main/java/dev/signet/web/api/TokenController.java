package dev.signet.web.api;

import dev.signet.ca.Accounts;
import dev.signet.ca.VisibleText;
import dev.signet.ca.ApiToken;
import dev.signet.ca.IssuedToken;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.Role;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code /api/v1/tokens} (admin): create (the secret is in that one response only), list, revoke. */
public final class TokenController {

    public record CreateToken(String name, String role, List<String> identities, String expires) {}

    public record TokenView(String id, String name, String role, List<String> identities, String created,
                            String expires, String revoked) {

        static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role(), List.copyOf(t.identities()), Views.text(t.created()),
                    Views.text(t.expires()), Views.text(t.revoked()));
        }
    }

    public record CreatedToken(TokenView token, String secret) {}

    private final Accounts access;

    public TokenController(Accounts access) {
        this.access = access;
    }

    public void create(Context ctx) {
        CreateToken req = Json.read(ctx, CreateToken.class);
        if (req.name() == null || req.name().isBlank()) {
            throw ApiException.badRequest("name is required");
        }
        if (req.name().length() > Accounts.MAX_NAME) {
            throw ApiException.badRequest("name must have at most " + Accounts.MAX_NAME + " characters");
        }
        if (VisibleText.firstInvisible(req.name()) >= 0) {
            throw ApiException.badRequest("name must not contain control, invisible or bidirectional characters");
        }
        if (req.identities() != null && req.identities().size() > Accounts.MAX_IDENTITIES) {
            throw ApiException.badRequest("identities: at most " + Accounts.MAX_IDENTITIES);
        }
        if (req.role() == null) {
            throw ApiException.badRequest("role is required");
        }
        try {
            Role.parse(req.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Instant expires = null;
        if (req.expires() != null) {
            expires = Instants.parse("expires", req.expires());
        }
        IssuedToken issued = access.createToken(req.name(), req.role(),
                new LinkedHashSet<>(req.identities() == null ? List.of() : req.identities()), expires,
                Guard.principal(ctx).actor());
        ctx.header("Cache-Control", "no-store");
        Json.write(ctx, 201, new CreatedToken(TokenView.of(issued.token()), issued.secret()));
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, access.listTokens().stream().map(TokenView::of).toList());
    }

    public void revoke(Context ctx) {
        access.revokeToken(ctx.pathParam("tokenId"), Guard.principal(ctx).actor());
        Json.write(ctx, 200, TokenView.of(access.findToken(ctx.pathParam("tokenId")).orElseThrow()));
    }
}
