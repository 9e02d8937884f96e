package dev.signet.web.api;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyInfo;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.security.PublicKey;

/** {@code GET /api/v1/keys}: labels, algorithms, backend and policy of the HSM's keys; never private material. */
public final class KeyController {

    private final Hsm hsm;

    public KeyController(Hsm hsm) {
        this.hsm = hsm;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, hsm.list().stream().map(Views.KeyView::of).toList());
    }

    /**
     * {@code GET /api/v1/keys/{label}}: one key, with its public key for an asymmetric one (an
     * auditor pins the audit key's to check the chain offline: {@code audit verify --audit-key}).
     */
    public void get(Context ctx) {
        String label = ctx.pathParam("label");
        KeyInfo info = hsm.list().stream().filter(k -> k.label().equals(label)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no key labelled '" + label + "'"));
        PublicKey publicKey = info.algorithm().isSymmetric() ? null : hsm.publicKey(hsm.get(label));
        Json.write(ctx, 200, Views.KeyView.of(info, publicKey));
    }
}
