package dev.signet.web.api;

import dev.signet.hsm.Hsm;
import dev.signet.web.http.Json;
import io.javalin.http.Context;

/** {@code GET /api/v1/keys}: labels, algorithms, backend and policy of the HSM's keys; never material. */
public final class KeyController {

    private final Hsm hsm;

    public KeyController(Hsm hsm) {
        this.hsm = hsm;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, hsm.list().stream().map(Views.KeyView::of).toList());
    }
}
