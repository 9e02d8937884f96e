package dev.signet.web.api;

import dev.signet.ca.store.CertificateQuery;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Page;
import dev.signet.web.Pem;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.Paging;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Certificates: look up by serial (JSON, PEM or DER by {@code Accept}) and search with paging. */
public final class CertificateController {

    private static final Pattern SERIAL = Pattern.compile("[0-9a-f]{1,64}");

    private final CertificateStore certificates;
    private final Clock clock;

    public CertificateController(CertificateStore certificates, Clock clock) {
        this.certificates = certificates;
        this.clock = clock;
    }

    /** {@code GET /api/v1/cas/{caId}/certificates/{serial}}. */
    public void get(Context ctx) {
        String caId = ctx.pathParam("caId");
        String serial = ctx.pathParam("serial").toLowerCase(Locale.ROOT);
        if (!SERIAL.matcher(serial).matches()) {
            throw ApiException.notFound("no certificate with serial '" + ctx.pathParam("serial") + "': serials are hex");
        }
        // Serials are stored without leading zeros; accept a padded one too.
        String normalized = serial.replaceFirst("^0+(?=.)", "");
        CertificateRecord c = certificates.find(caId, normalized)
                .orElseThrow(() -> ApiException.notFound("CA '" + caId + "' issued no certificate with serial " + normalized));
        String accept = ctx.header("Accept") == null ? "" : ctx.header("Accept");
        if (accept.contains("application/pkix-cert")) {
            ctx.contentType("application/pkix-cert").result(c.der());
        } else if (accept.contains("application/x-pem-file") || accept.contains("application/pem-certificate-chain")) {
            ctx.contentType("application/x-pem-file").result(Pem.certificate(c.der()));
        } else {
            Json.write(ctx, 200, Views.CertificateView.of(c, clock.instant()));
        }
    }

    /**
     * {@code GET /api/v1/certificates?caId=&q=&status=&profile=&expiringBefore=&offset=&limit=}:
     * {@code q} is a substring of the subject or a SAN.
     */
    public void search(Context ctx) {
        Paging paging = Paging.from(ctx);
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !status.equals(CertificateRecord.VALID) && !status.equals(CertificateRecord.REVOKED)) {
            throw ApiException.badRequest("status must be valid or revoked");
        }
        Instant expiringBefore = null;
        String eb = blankToNull(ctx.queryParam("expiringBefore"));
        if (eb != null) {
            try {
                expiringBefore = Instant.parse(eb);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("expiringBefore must be an ISO-8601 instant, e.g. 2030-01-01T00:00:00Z");
            }
        }
        CertificateQuery q = new CertificateQuery(blankToNull(ctx.queryParam("caId")), blankToNull(ctx.queryParam("q")),
                status, expiringBefore, blankToNull(ctx.queryParam("profile")), paging.offset(), paging.limit());
        Page<CertificateRecord> page = certificates.search(q);
        Instant now = clock.instant();
        Json.write(ctx, 200, new Views.PageView<>(page.items().stream().map(c -> Views.CertificateView.of(c, now)).toList(),
                page.offset(), page.limit(), page.total()));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
