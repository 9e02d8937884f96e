package dev.signet.web.ui;

import dev.signet.hsm.KeyInfo;
import dev.signet.web.KeyInventory;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/keys}: the HSM's keys with what each exists for (its purpose, kept by the HSM with the
 * key), its algorithm, when it was made and which CA or signer identity owns it. Never key material.
 */
public final class KeysController {

    public record KeyRow(String label, String purpose, String algorithm, String created, String owner, String ownerLink,
                         String backend) {}

    public record Model(List<KeyRow> keys) {}

    private final KeyInventory keys;
    private final Templates templates;

    KeysController(KeyInventory keys, Templates templates) {
        this.keys = keys;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        List<KeyRow> rows = keys.list().stream().map(KeysController::row).toList();
        templates.render(ctx, 200, "keys.jte", Map.of("frame", Frame.of("Keys", "keys", viewer), "model", new Model(rows)));
    }

    private static KeyRow row(KeyInventory.Entry e) {
        KeyInfo k = e.info();
        String owner = e.owner() == null ? "" : e.owner();
        String link = owner.startsWith("ca:") ? "/ui/cas/" + owner.substring(3) : null;
        if (owner.startsWith("identity:")) {
            String id = owner.substring("identity:".length());
            int dot = id.lastIndexOf('.');
            link = dot > 0 ? "/ui/certificates/" + id.substring(0, dot) + "/" + id.substring(dot + 1) : null;
        }
        return new KeyRow(k.label(), k.purpose() == null ? "none (not upgraded)" : k.purpose().name(), k.algorithm().name(),
                k.created() == null ? "" : Format.seconds(k.created()), owner, link, k.backend());
    }
}
