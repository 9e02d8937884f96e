package dev.signet.web.api;

import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.util.Map;

/** {@code GET /health}: the server is up and serving. */
public final class HealthController {

    public void health(Context ctx) {
        Json.write(ctx, 200, Map.of("status", "ok"));
    }
}
