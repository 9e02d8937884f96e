package dev.signet.web.pki;

import dev.signet.ca.OcspReply;
import dev.signet.ca.Revocations;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCSP responder over HTTP (RFC 6960 appendix A, RFC 5019): POST with the DER request as the
 * body, GET with its base64 (URL-encoded) after {@code /ocsp/{caId}/}. Every answer is HTTP 200
 * {@code application/ocsp-response}, errors included ({@code malformedRequest} for anything that is
 * not a request); cacheable responses carry Last-Modified, Expires, ETag and a max-age that ends
 * at nextUpdate (RFC 5019 6.2). Shared by the Javalin routes and the Jetty fast path.
 */
public final class OcspEndpoint {

    /** What goes back: body and headers (the status is always 200). */
    public record Reply(byte[] body, Map<String, String> headers) {
    }

    public static final String RESPONSE_TYPE = "application/ocsp-response";

    private final Revocations revocations;
    /**
     * Last-Modified and Expires of each cached response, by ETag: formatting two HTTP dates cost
     * about a tenth of a pre-signed answer's CPU, and a response's dates never change.
     */
    private final Map<String, String[]> dates = new java.util.concurrent.ConcurrentHashMap<>();

    public OcspEndpoint(Revocations revocations) {
        this.revocations = revocations;
    }

    /** A POSTed request body (at most {@code OcspResponder.MAX_REQUEST_BYTES}; longer is malformed). */
    public Reply post(byte[] body) {
        return reply(revocations.ocsp(body));
    }

    /** A GET; {@code encoded} is the raw (still URL-encoded) path after {@code /ocsp/{caId}/}. */
    public Reply get(String encoded) {
        byte[] der;
        try {
            String b64 = percentDecode(encoded);
            der = b64.indexOf('-') >= 0 || b64.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(b64) : Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            der = new byte[0]; // answered as malformedRequest
        }
        return reply(revocations.ocsp(der));
    }

    private Reply reply(OcspReply r) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", RESPONSE_TYPE);
        if (r.cacheable()) {
            long maxAge = Math.max(0, Duration.between(Instant.now(), r.nextUpdate()).toSeconds());
            h.put("Cache-Control", "max-age=" + maxAge + ", public, no-transform, must-revalidate");
            String[] d = dates.get(r.etag());
            if (d == null) {
                if (dates.size() >= 250_000) {
                    dates.clear(); // more than the response cache holds: old responses' dates
                }
                d = new String[] {http(r.thisUpdate()), http(r.nextUpdate())};
                dates.put(r.etag(), d);
            }
            h.put("Last-Modified", d[0]);
            h.put("Expires", d[1]);
            h.put("ETag", r.etag());
        } else {
            h.put("Cache-Control", "no-cache, no-store");
        }
        return new Reply(r.der(), h);
    }

    private static String http(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
    }

    /** %XX only: a '+' in base64 is a plus, not a space. @throws IllegalArgumentException if broken */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
