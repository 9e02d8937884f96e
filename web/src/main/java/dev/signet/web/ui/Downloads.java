package dev.signet.web.ui;

import io.javalin.http.Context;

/** File downloads from UI pages: an attachment with a safe file name, never cached. */
final class Downloads {

    private Downloads() {}

    static void send(Context ctx, String contentType, String fileName, byte[] body) {
        Templates.securityHeaders(ctx);
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        ctx.contentType(contentType).result(body);
    }

    /** A file name from free text: letters, digits, dot, dash; the rest becomes a dash. */
    static String fileName(String text) {
        String s = text.replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("^-+|-+$", "");
        if (s.isEmpty()) {
            return "file";
        }
        return s.length() <= 80 ? s : s.substring(0, 80);
    }
}
