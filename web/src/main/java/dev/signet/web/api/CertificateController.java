package dev.signet.web.api;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.store.CertificateQuery;
import dev.signet.ca.store.Page;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.Paging;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Certificates: issue from a CSR, look up by serial (JSON, PEM or DER by {@code Accept}) and
 * search with paging.
 */
public final class CertificateController {

    /** The JSON form of an issuance request: a profile name and a PEM CSR. */
    public record IssueRequest(String profile, String csr) {}

    private final CertificateAuthorities authorities;
    private final MeterRegistry metrics;

    public CertificateController(CertificateAuthorities authorities, MeterRegistry metrics) {
        this.authorities = authorities;
        this.metrics = metrics;
    }

    /**
     * {@code POST /api/v1/cas/{caId}/certificates}: JSON {@code {"profile","csr"}}, or the CSR itself
     * as {@code application/pkcs10} (DER or PEM) with {@code ?profile=}.
     */
    public void issue(Context ctx) {
        String caId = ctx.pathParam("caId");
        String profile;
        byte[] csr;
        if (Json.isJson(ctx)) {
            IssueRequest req = Json.read(ctx, IssueRequest.class);
            CaController.require(req.profile(), "profile");
            CaController.require(req.csr(), "csr");
            profile = req.profile();
            csr = req.csr().getBytes(StandardCharsets.US_ASCII);
        } else if (isPkcs10(ctx)) {
            profile = ctx.queryParam("profile");
            if (profile == null || profile.isBlank()) {
                throw ApiException.badRequest("with an application/pkcs10 body, name the profile as ?profile=");
            }
            csr = ctx.bodyAsBytes();
            if (csr.length == 0) {
                throw ApiException.badRequest("empty body; expected a PKCS#10 CSR");
            }
        } else {
            throw ApiException.unsupportedMediaType("send application/json {\"profile\",\"csr\"} or an application/pkcs10 CSR");
        }
        IssuedCertificate issued = authorities.issue(caId, profile, csr, Guard.principal(ctx).actor());
        Counter.builder("signet.certificates.issued").description("Certificates issued")
                .tag("profile", issued.profile()).register(metrics).increment();
        ctx.header("Location", "/api/v1/cas/" + caId + "/certificates/" + issued.serial());
        Json.write(ctx, 201, Views.CertificateView.of(issued));
    }

    private static boolean isPkcs10(Context ctx) {
        String ct = ctx.contentType();
        return ct != null && ct.split(";", 2)[0].strip().equalsIgnoreCase("application/pkcs10");
    }

    /** {@code GET /api/v1/cas/{caId}/certificates/{serial}}. */
    public void get(Context ctx) {
        String caId = ctx.pathParam("caId");
        // Serials are stored without leading zeros; accept a padded one too.
        String serial = ctx.pathParam("serial").toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", "");
        IssuedCertificate c = authorities.find(caId, serial)
                .orElseThrow(() -> ApiException.notFound("CA '" + caId + "' issued no certificate with serial '" + serial + "'"));
        String accept = ctx.header("Accept") == null ? "" : ctx.header("Accept");
        if (accept.contains("application/pkix-cert")) {
            ctx.contentType("application/pkix-cert").result(PkiController.der(c.certificatePem()));
        } else if (accept.contains("application/x-pem-file") || accept.contains("application/pem-certificate-chain")) {
            ctx.contentType("application/x-pem-file").result(c.certificatePem());
        } else {
            Json.write(ctx, 200, Views.CertificateView.of(c));
        }
    }

    /**
     * {@code GET /api/v1/certificates?caId=&q=&status=&profile=&expiringBefore=&offset=&limit=}:
     * {@code q} is a substring of the subject or a SAN.
     */
    public void search(Context ctx) {
        Paging paging = Paging.from(ctx);
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !status.equals("valid") && !status.equals("revoked")) {
            throw ApiException.badRequest("status must be valid or revoked");
        }
        Instant expiringBefore = null;
        String eb = blankToNull(ctx.queryParam("expiringBefore"));
        if (eb != null) {
            expiringBefore = Instants.parse("expiringBefore", eb);
        }
        CertificateQuery q = new CertificateQuery(blankToNull(ctx.queryParam("caId")), blankToNull(ctx.queryParam("q")),
                status, expiringBefore, blankToNull(ctx.queryParam("profile")), paging.offset(), paging.limit());
        Page<IssuedCertificate> page = authorities.search(q);
        Json.write(ctx, 200, new Views.PageView<>(page.items().stream().map(Views.CertificateView::of).toList(),
                page.offset(), page.limit(), page.total()));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
