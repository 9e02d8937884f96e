package dev.signet.web.api;

import dev.signet.web.KeyInventory;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;

/**
 * {@code GET /api/v1/keys}: each key's label, purpose, algorithm, backend, creation time, allowed
 * operations and owner (CA, signer identity or audit log); never private material.
 */
public final class KeyController {

    private final KeyInventory keys;

    public KeyController(KeyInventory keys) {
        this.keys = keys;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, keys.list().stream().map(e -> Views.KeyView.of(e, null)).toList());
    }

    /**
     * {@code GET /api/v1/keys/{label}}: one key, with its public key for an asymmetric one (an
     * auditor pins the audit key's to check the chain offline: {@code audit verify --audit-key}).
     */
    public void get(Context ctx) {
        String label = ctx.pathParam("label");
        KeyInventory.Entry entry = keys.find(label)
                .orElseThrow(() -> ApiException.notFound("no key labelled '" + label + "'"));
        Json.write(ctx, 200, Views.KeyView.of(entry, keys.publicKey(label).orElse(null)));
    }
}
