package dev.signet.web.api;

import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;

/** {@code /api/v1/cas}: the CAs this server runs, each with its chain. */
public final class CaController {

    private final CaStore cas;

    public CaController(CaStore cas) {
        this.cas = cas;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, cas.list().stream().map(Views.CaView::of).toList());
    }

    public void get(Context ctx) {
        Json.write(ctx, 200, Views.CaView.of(find(cas, ctx.pathParam("caId"))));
    }

    static CaRecord find(CaStore cas, String id) {
        return cas.find(id).orElseThrow(() -> ApiException.notFound("no CA '" + id + "'"));
    }
}
