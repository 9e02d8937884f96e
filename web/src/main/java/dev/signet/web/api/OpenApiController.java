package dev.signet.web.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the hand-written OpenAPI 3 document (resource
 * {@code /openapi.json}). A test keeps it equal to the routes actually registered.
 */
public final class OpenApiController {

    public static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    public OpenApiController() {
        this.document = load();
    }

    public static byte[] load() {
        try (InputStream in = OpenApiController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void document(Context ctx) {
        ctx.contentType("application/json").result(document);
    }
}
