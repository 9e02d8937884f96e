package dev.signet.web.pki;

import dev.signet.ca.PublishedCrl;
import dev.signet.ca.Revocations;
import dev.signet.web.http.ApiException;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * {@code GET /crl/{caId}.crl} (full) and {@code GET /crl/delta/{caId}.crl}: the newest stored CRL,
 * never one built for the request. DER {@code application/pkix-crl} (RFC 5280 4.2.1.13), or PEM
 * for {@code Accept: application/x-pem-file} or {@code ?format=pem}; with Last-Modified
 * (thisUpdate), ETag, Expires (nextUpdate) and a max-age that ends no later than nextUpdate, and
 * no later than the delay within which a revocation reaches a CRL. Conditional GETs get 304.
 */
public final class CrlController {

    private final Revocations revocations;
    private final Duration freshness;

    public CrlController(Revocations revocations, Duration freshness) {
        this.revocations = revocations;
        this.freshness = freshness;
    }

    public void full(Context ctx) {
        serve(ctx, false);
    }

    public void delta(Context ctx) {
        serve(ctx, true);
    }

    private void serve(Context ctx, boolean delta) {
        String file = ctx.pathParam("file");
        if (!file.endsWith(".crl")) {
            throw ApiException.notFound("no resource at " + ctx.path());
        }
        String caId = file.substring(0, file.length() - ".crl".length());
        PublishedCrl crl = revocations.crl(caId, delta)
                .orElseThrow(() -> ApiException.notFound("CA '" + caId + "' has no " + (delta ? "delta " : "") + "CRL yet"));
        Instant now = Instant.now();
        Instant until = crl.nextUpdate().isBefore(now.plus(freshness)) ? crl.nextUpdate() : now.plus(freshness);
        ctx.header("Last-Modified", http(crl.thisUpdate()));
        ctx.header("ETag", crl.etag());
        ctx.header("Expires", http(crl.nextUpdate()));
        ctx.header("Cache-Control", "public, max-age=" + Math.max(0, Duration.between(now, until).toSeconds()));
        String inm = ctx.header("If-None-Match");
        if (inm != null && (inm.contains(crl.etag()) || inm.strip().equals("*"))) {
            ctx.status(304);
            return;
        }
        boolean pem = "pem".equals(ctx.queryParam("format"))
                || (ctx.header("Accept") != null && ctx.header("Accept").contains("application/x-pem-file"));
        if (pem) {
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(crl.der());
            ctx.contentType("application/x-pem-file").result("-----BEGIN X509 CRL-----\n" + b64 + "\n-----END X509 CRL-----\n");
        } else {
            ctx.contentType("application/pkix-crl").result(crl.der());
        }
    }

    private static String http(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
    }
}
