package dev.signet.web.ui;

import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeys;
import dev.signet.ca.Accounts;
import dev.signet.ca.ApiToken;
import dev.signet.ca.DataKeyGrant;
import dev.signet.ca.DataKeyRecord;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code /ui/data-keys}: the data keys with their versions, state and grants, for admins and auditors;
 * admins also create, rotate, disable and enable them here. No page shows key material or plaintext.
 */
public final class DataKeysController {

    public record GrantRow(String tokenName, String tokenId, String operations) {}

    public record KeyRow(String name, String state, int currentVersion, int minDecryptVersion, String versions,
                         String created, String destroyAfter, List<GrantRow> grants) {}

    public record KeysModel(List<KeyRow> keys, String error) {}

    private final DataKeys keys;
    private final Accounts access;
    private final Templates templates;

    DataKeysController(DataKeys keys, Accounts access, Templates templates) {
        this.keys = keys;
        this.access = access;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        render(ctx, viewer, 200, null);
    }

    void create(Context ctx, Viewer viewer) {
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").strip();
        change(ctx, viewer, () -> keys.create(name, viewer.actor()));
    }

    void rotate(Context ctx, Viewer viewer) {
        change(ctx, viewer, () -> keys.rotate(ctx.pathParam("name"), viewer.actor()));
    }

    void disable(Context ctx, Viewer viewer) {
        change(ctx, viewer, () -> keys.disable(ctx.pathParam("name"), viewer.actor()));
    }

    void enable(Context ctx, Viewer viewer) {
        change(ctx, viewer, () -> keys.enable(ctx.pathParam("name"), viewer.actor()));
    }

    private void change(Context ctx, Viewer viewer, Runnable change) {
        try {
            change.run();
        } catch (DataKeyException e) {
            render(ctx, viewer, status(e.kind()), e.getMessage());
            return;
        }
        // Post, redirect, get: reloading the page cannot post the form again.
        ctx.redirect("/ui/data-keys", HttpStatus.SEE_OTHER);
    }

    private void render(Context ctx, Viewer viewer, int status, String error) {
        Map<String, ApiToken> tokens = access.listTokens().stream().collect(Collectors.toMap(ApiToken::id, Function.identity()));
        List<KeyRow> rows = keys.list().stream().map(k -> row(k, keys.grants(k.name()), tokens)).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Data keys", "data-keys", viewer));
        params.put("model", new KeysModel(rows, error));
        templates.render(ctx, status, "datakeys.jte", params);
    }

    private static KeyRow row(DataKeyRecord k, List<DataKeyGrant> grants, Map<String, ApiToken> tokens) {
        List<GrantRow> g = grants.stream().map(x -> new GrantRow(
                tokens.containsKey(x.tokenId()) ? tokens.get(x.tokenId()).name() : "?", x.tokenId(),
                x.canEncrypt() && x.canDecrypt() ? "encrypt, decrypt" : x.canEncrypt() ? "encrypt" : "decrypt")).toList();
        String versions = k.versions().stream().map(v -> "v" + v.version() + " (" + Format.time(v.created()) + ")")
                .collect(Collectors.joining(", "));
        return new KeyRow(k.name(), k.state().replace('_', ' '), k.currentVersion(), k.minDecryptVersion(), versions,
                Format.time(k.created()), Format.time(k.destroyAfter()), g);
    }

    private static int status(DataKeyException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case BAD_REQUEST -> 400;
            case FORBIDDEN -> 403;
            case REFUSED -> 422;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
        };
    }
}
