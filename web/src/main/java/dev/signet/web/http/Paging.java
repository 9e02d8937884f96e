package dev.signet.web.http;

import io.javalin.http.Context;

/** {@code ?offset=&limit=} query parameters, checked. */
public record Paging(int offset, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public static Paging from(Context ctx) {
        int offset = number(ctx, "offset", 0);
        int limit = number(ctx, "limit", DEFAULT_LIMIT);
        if (offset < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return new Paging(offset, limit);
    }

    private static int number(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number");
        }
    }
}
