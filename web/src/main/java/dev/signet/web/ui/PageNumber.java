package dev.signet.web.ui;

import io.javalin.http.Context;

/** The {@code ?page=} of a list page: 1 when absent or not a number, clamped to {@code 1..max}. */
final class PageNumber {

    private PageNumber() {}

    static int from(Context ctx, int max) {
        String text = ctx.queryParam("page");
        if (text == null || text.isBlank() || text.length() > 9) {
            return 1;
        }
        try {
            return Math.min(max, Math.max(1, Integer.parseInt(text.strip())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
