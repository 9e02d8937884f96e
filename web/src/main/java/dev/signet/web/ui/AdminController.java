package dev.signet.web.ui;

import dev.signet.ca.Accounts;
import dev.signet.ca.ApiToken;
import dev.signet.ca.IssuedToken;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Passwords;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.UserNames;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For administrators: UI users (create, disable, enable) and API tokens (create, revoke). A new
 * token's secret, and a generated password, are kept in the session for the page the form
 * redirects to, shown there once and never again.
 */
public final class AdminController {

    public record UserRow(String username, String role, String created, boolean disabled) {}

    public record TokenRow(String id, String name, String role, String created, String expires, String revoked) {}

    /** What the create-user form holds: the default, or what was typed when it was refused (never the password). */
    public record UserForm(String username, String role) {
        static final UserForm EMPTY = new UserForm("", DEFAULT_ROLE);
    }

    /** What the create-token form holds. */
    public record TokenForm(String name, String role, String expiresDays) {
        static final TokenForm EMPTY = new TokenForm("", DEFAULT_ROLE, "");
    }

    public record UsersModel(List<UserRow> users, List<String> roles, String error, String createdUser, String password,
                             UserForm form) {}

    public record TokensModel(List<TokenRow> tokens, List<String> roles, String error, TokenRow created, String secret,
                              TokenForm form) {}

    /** A destructive action, shown for confirmation before it is posted. */
    public record Confirmation(String heading, String message, String action, String button, String cancel) {}

    /** Least privilege by default: read-only. */
    static final String DEFAULT_ROLE = Role.AUDITOR.id();

    private final Accounts access;
    private final SessionStore sessions;
    private final SessionCookie cookie;
    private final Templates templates;
    private final Clock clock;

    AdminController(Accounts access, SessionStore sessions, SessionCookie cookie, Templates templates, Clock clock) {
        this.access = access;
        this.sessions = sessions;
        this.cookie = cookie;
        this.templates = templates;
        this.clock = clock;
    }

    void users(Context ctx, Viewer viewer) {
        Flash flash = sessions.takeFlash(cookie.read(ctx)).orElse(null);
        if (flash instanceof Flash.CreatedUser created) {
            showUsers(ctx, viewer, 200, null, created.username(), created.password(), UserForm.EMPTY);
        } else {
            showUsers(ctx, viewer, 200, null, null, null, UserForm.EMPTY);
        }
    }

    void createUser(Context ctx, Viewer viewer) {
        String username = ctx.formParam("username") == null ? "" : ctx.formParam("username").strip();
        String role = ctx.formParam("role");
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        String problem = UserNames.problem(username);
        if (problem == null && !roles().contains(role)) {
            problem = "Choose a role.";
        }
        boolean generated = password.isEmpty();
        if (generated) {
            password = Passwords.generate();
        }
        if (problem == null) {
            problem = Passwords.weakness(password);
        }
        if (problem == null && access.findUser(username).isPresent()) {
            problem = "A user named " + username + " exists already.";
        }
        if (problem != null) {
            showUsers(ctx, viewer, 400, problem, null, null, new UserForm(username, roles().contains(role) ? role : DEFAULT_ROLE));
            return;
        }
        access.createUser(new UserRecord(username, Passwords.hash(password), role, clock.instant(), false), viewer.actor());
        // Post, redirect, get: reloading the page cannot post the form again.
        sessions.flash(cookie.read(ctx), new Flash.CreatedUser(username, generated ? password : null));
        ctx.redirect("/ui/users", HttpStatus.SEE_OTHER);
    }

    void disableUser(Context ctx, Viewer viewer) {
        setDisabled(ctx, viewer, true);
    }

    void enableUser(Context ctx, Viewer viewer) {
        setDisabled(ctx, viewer, false);
    }

    private void setDisabled(Context ctx, Viewer viewer, boolean disabled) {
        String username = ctx.pathParam("username");
        if (disabled && username.equals(viewer.username())) {
            showUsers(ctx, viewer, 409, "You cannot disable your own account.", null, null, UserForm.EMPTY);
            return;
        }
        UserRecord u = access.findUser(username).orElseThrow(() -> UiException.notFound("There is no user " + username + "."));
        access.updateUser(new UserRecord(u.username(), u.passwordHash(), u.role(), u.created(), disabled), viewer.actor());
        if (disabled) {
            sessions.endAllOf(username);
        }
        ctx.redirect("/ui/users", HttpStatus.SEE_OTHER);
    }

    void tokens(Context ctx, Viewer viewer) {
        Flash flash = sessions.takeFlash(cookie.read(ctx)).orElse(null);
        if (flash instanceof Flash.CreatedToken created) {
            ctx.header("Cache-Control", "no-store");
            showTokens(ctx, viewer, 200, null, created.token(), created.secret(), TokenForm.EMPTY);
        } else {
            showTokens(ctx, viewer, 200, null, null, null, TokenForm.EMPTY);
        }
    }

    void createToken(Context ctx, Viewer viewer) {
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").strip();
        String role = ctx.formParam("role");
        String days = ctx.formParam("expiresDays") == null ? "" : ctx.formParam("expiresDays").strip();
        String problem = null;
        if (name.isEmpty() || name.length() > 100) {
            problem = "Give the token a name of 1 to 100 characters, to recognise it by.";
        } else if (!roles().contains(role)) {
            problem = "Choose a role.";
        }
        Instant expires = null;
        if (problem == null && !days.isEmpty()) {
            try {
                int d = Integer.parseInt(days);
                if (d < 1 || d > 3650) {
                    throw new NumberFormatException();
                }
                expires = clock.instant().plus(Duration.ofDays(d));
            } catch (NumberFormatException e) {
                problem = "Expiry is a number of days from 1 to 3650, or empty for none.";
            }
        }
        if (problem != null) {
            showTokens(ctx, viewer, 400, problem, null, null,
                    new TokenForm(name.length() > 100 ? name.substring(0, 100) : name, roles().contains(role) ? role : DEFAULT_ROLE, days));
            return;
        }
        IssuedToken issued = access.createToken(name, role, Set.of(), expires, viewer.actor());
        sessions.flash(cookie.read(ctx), new Flash.CreatedToken(row(issued.token()), issued.secret()));
        ctx.redirect("/ui/tokens", HttpStatus.SEE_OTHER);
    }

    void revokeToken(Context ctx, Viewer viewer) {
        access.revokeToken(ctx.pathParam("tokenId"), viewer.actor());
        ctx.redirect("/ui/tokens", HttpStatus.SEE_OTHER);
    }

    /** {@code GET /ui/users/{username}/disable}: asks before disabling. */
    void confirmDisable(Context ctx, Viewer viewer) {
        String username = ctx.pathParam("username");
        access.findUser(username).orElseThrow(() -> UiException.notFound("There is no user " + username + "."));
        confirm(ctx, viewer, "Users", "users", new Confirmation("Disable user " + username + "?",
                "The user's sessions end at once and the user cannot log in until an administrator enables the account again.",
                "/ui/users/" + username + "/disable", "Disable " + username, "/ui/users"));
    }

    /** {@code GET /ui/tokens/{tokenId}/revoke}: asks before revoking. */
    void confirmRevoke(Context ctx, Viewer viewer) {
        String id = ctx.pathParam("tokenId");
        ApiToken t = access.listTokens().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> UiException.notFound("There is no token " + id + "."));
        confirm(ctx, viewer, "API tokens", "tokens", new Confirmation("Revoke token " + t.name() + "?",
                "Token " + t.id() + " (" + t.role() + ") stops working at once. This cannot be undone: a revoked token is never valid again.",
                "/ui/tokens/" + t.id() + "/revoke", "Revoke token", "/ui/tokens"));
    }

    private void confirm(Context ctx, Viewer viewer, String title, String section, Confirmation c) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of(title, section, viewer));
        params.put("confirm", c);
        templates.render(ctx, 200, "confirm.jte", params);
    }

    private void showUsers(Context ctx, Viewer viewer, int status, String error, String createdUser, String password,
                           UserForm form) {
        List<UserRow> users = access.listUsers().stream()
                .map(u -> new UserRow(u.username(), u.role(), Format.time(u.created()), u.disabled())).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Users", "users", viewer));
        params.put("model", new UsersModel(users, roles(), error, createdUser, password, form));
        templates.render(ctx, status, "users.jte", params);
    }

    private void showTokens(Context ctx, Viewer viewer, int status, String error, TokenRow created, String secret,
                            TokenForm form) {
        List<TokenRow> tokens = access.listTokens().stream().map(AdminController::row).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("API tokens", "tokens", viewer));
        params.put("model", new TokensModel(tokens, roles(), error, created, secret, form));
        templates.render(ctx, status, "tokens.jte", params);
    }

    private static TokenRow row(ApiToken t) {
        return new TokenRow(t.id(), t.name(), t.role(), Format.time(t.created()), Format.time(t.expires()), Format.time(t.revoked()));
    }

    /** The roles, least privilege first (the order of the form's list). */
    private static List<String> roles() {
        return List.of(Role.AUDITOR.id(), Role.SIGNER.id(), Role.OFFICER.id(), Role.ADMIN.id());
    }
}
