package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import dev.signet.web.ui.UiRoutes;
import io.javalin.router.ParsedEndpoint;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document lists exactly the API routes the server registered (the UI pages are not API). */
class OpenApiDocumentTest {

    @TempDir
    Path data;

    @Test
    void openapi_paths_and_methods_match_the_registered_routes() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            HttpResponse<String> r = s.get("/api/v1/openapi.json", null);
            assertEquals(200, r.statusCode());
            JsonNode doc = Json.MAPPER.readTree(r.body());
            assertEquals("3.0.3", doc.get("openapi").asText());
            Set<String> documented = new TreeSet<>();
            Iterator<String> paths = doc.get("paths").fieldNames();
            while (paths.hasNext()) {
                String p = paths.next();
                doc.get("paths").get(p).fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p));
            }
            Set<String> registered = new TreeSet<>();
            for (ParsedEndpoint e : RegisteredRoutes.of(s.server)) {
                if (!UiRoutes.isUiPath(e.endpoint.path)) {
                    registered.add(e.endpoint.method.name() + " " + e.endpoint.path);
                }
            }
            assertEquals(registered, documented);
        }
    }
}
