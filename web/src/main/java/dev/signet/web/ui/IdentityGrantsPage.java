package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.SignerIdentity;
import dev.signet.ca.Accounts;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For administrators: which signer identities a UI user of role signer may sign with on the "Sign
 * a PDF" page (what {@code token create --identity} is for API tokens). Granting and withdrawing
 * are audited by the store in the same transaction.
 */
public final class IdentityGrantsPage {

    public record GrantRow(String id, String subject) {}

    public record GrantsModel(String username, String role, boolean signer, List<GrantRow> granted,
                              List<GrantRow> grantable, String error) {}

    private final Accounts access;
    private final CertificateAuthorities authorities;
    private final Templates templates;

    IdentityGrantsPage(Accounts access, CertificateAuthorities authorities, Templates templates) {
        this.access = access;
        this.authorities = authorities;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        show(ctx, viewer, 200, user(ctx), null);
    }

    void grant(Context ctx, Viewer viewer) {
        UserRecord user = user(ctx);
        String identity = ctx.formParam("identity") == null ? "" : ctx.formParam("identity").strip();
        if (identity.isEmpty()) {
            show(ctx, viewer, 400, user, "Choose an identity to grant.");
            return;
        }
        try {
            access.grantIdentity(user.username(), identity, viewer.actor());
        } catch (InvalidRecordException e) {
            show(ctx, viewer, 422, user, e.getMessage());
            return;
        }
        ctx.redirect(path(user), HttpStatus.SEE_OTHER);
    }

    void revoke(Context ctx, Viewer viewer) {
        UserRecord user = user(ctx);
        access.revokeIdentity(user.username(), ctx.formParam("identity"), viewer.actor());
        ctx.redirect(path(user), HttpStatus.SEE_OTHER);
    }

    private void show(Context ctx, Viewer viewer, int status, UserRecord user, String error) {
        Set<String> ids = Set.copyOf(access.identitiesOf(user.username()));
        List<GrantRow> granted = new ArrayList<>();
        for (String id : ids.stream().sorted().toList()) {
            granted.add(new GrantRow(id, subject(id)));
        }
        List<GrantRow> grantable = new ArrayList<>();
        for (SignerIdentity i : authorities.listSignerIdentities()) {
            if (!ids.contains(i.id()) && "valid".equals(i.certificate().status())) {
                grantable.add(new GrantRow(i.id(), i.certificate().subject()));
            }
        }
        boolean signer = Role.SIGNER.id().equals(user.role());
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Identities of " + user.username(), "users", viewer));
        params.put("model", new GrantsModel(user.username(), user.role(), signer, granted, grantable, error));
        templates.render(ctx, status, "grants.jte", params);
    }

    private String subject(String id) {
        try {
            return authorities.findSignerIdentity(id).certificate().subject();
        } catch (CaException e) {
            return "(no longer usable: " + e.getMessage() + ")";
        }
    }

    private UserRecord user(Context ctx) {
        String username = ctx.pathParam("username");
        return access.findUser(username).orElseThrow(() -> UiException.notFound("There is no user " + username + "."));
    }

    private static String path(UserRecord user) {
        return "/ui/users/" + user.username() + "/identities";
    }
}
