package dev.signet.web.api;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.Page;
import dev.signet.web.Searches;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.Paging;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Certificates: issue from a CSR, look up by serial (JSON, PEM or DER by {@code Accept}) and
 * search with paging.
 */
public final class CertificateController {

    /**
     * The JSON form of an issuance request: a profile name, a PEM CSR and optionally the validity in
     * days (at most the profile's maximum, which is the default).
     */
    public record IssueRequest(String profile, String csr, Integer validityDays) {}

    /** A renewal: optionally a new CSR (for a new key) and the validity in days. */
    public record RenewRequest(String csr, Integer validityDays) {}

    /** Longest validity a request may name; profiles allow less. */
    static final int MAX_VALIDITY_DAYS = 36_525;

    private final CertificateAuthorities authorities;

    public CertificateController(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    /**
     * {@code POST /api/v1/cas/{caId}/certificates}: JSON {@code {"profile","csr"}}, or the CSR itself
     * as {@code application/pkcs10} (DER or PEM) with {@code ?profile=}.
     */
    public void issue(Context ctx) {
        String caId = ctx.pathParam("caId");
        String profile;
        byte[] csr;
        Duration validity = null;
        if (Json.isJson(ctx)) {
            IssueRequest req = Json.read(ctx, IssueRequest.class);
            CaController.require(req.profile(), "profile");
            CaController.require(req.csr(), "csr");
            profile = req.profile();
            csr = req.csr().getBytes(StandardCharsets.US_ASCII);
            validity = validityDays(req.validityDays());
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
        IssuedCertificate issued = authorities.issue(caId, profile, csr, validity, Guard.principal(ctx).actor());
        ctx.header("Location", "/api/v1/cas/" + caId + "/certificates/" + issued.serial());
        Json.write(ctx, 201, Views.CertificateView.of(issued));
    }

    /**
     * {@code POST /api/v1/cas/{caId}/certificates/{serial}/renew}: a new certificate with the same
     * subject and SANs; JSON {@code {"csr"?, "validityDays"?}} (an empty body renews for the same key).
     */
    public void renew(Context ctx) {
        String caId = ctx.pathParam("caId");
        String serial = normalSerial(ctx.pathParam("serial"));
        RenewRequest req = ctx.bodyAsBytes().length == 0 ? new RenewRequest(null, null) : Json.read(ctx, RenewRequest.class);
        byte[] csr = req.csr() == null || req.csr().isBlank() ? null : req.csr().getBytes(StandardCharsets.US_ASCII);
        IssuedCertificate renewed = authorities.renew(caId, serial, csr, validityDays(req.validityDays()),
                Guard.principal(ctx).actor());
        ctx.header("Location", "/api/v1/cas/" + caId + "/certificates/" + renewed.serial());
        Json.write(ctx, 201, Views.CertificateView.of(renewed));
    }

    static Duration validityDays(Integer days) {
        if (days == null) {
            return null;
        }
        if (days < 1 || days > MAX_VALIDITY_DAYS) {
            throw ApiException.badRequest("validityDays must be a whole number of days from 1 to the profile's maximum");
        }
        return Duration.ofDays(days);
    }

    /** Serials are stored lower-case without leading zeros; accept a padded, upper-case or colon-separated one too. */
    static String normalSerial(String serial) {
        return serial.strip().replace(":", "").toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", "");
    }

    private static boolean isPkcs10(Context ctx) {
        String ct = ctx.contentType();
        return ct != null && ct.split(";", 2)[0].strip().equalsIgnoreCase("application/pkcs10");
    }

    /** {@code GET /api/v1/cas/{caId}/certificates/{serial}}. */
    public void get(Context ctx) {
        String caId = ctx.pathParam("caId");
        String serial = normalSerial(ctx.pathParam("serial"));
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
     * {@code GET /api/v1/certificates?caId=&q=&serial=&status=&profile=&expiringBefore=&sort=&offset=&limit=}:
     * {@code q} is a substring of the subject or a SAN; {@code serial} one serial (hex, colons
     * allowed); {@code status} {@code valid} (not revoked, not expired), {@code expired} or
     * {@code revoked}; {@code sort} {@code expiry} (soonest first, the default) or {@code issued}
     * (newest first).
     */
    public void search(Context ctx) {
        Paging paging = Paging.from(ctx);
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !status.equals("valid") && !status.equals("revoked") && !status.equals("expired")) {
            throw ApiException.badRequest("status must be valid, expired or revoked");
        }
        Instant expiringBefore = null;
        String eb = blankToNull(ctx.queryParam("expiringBefore"));
        if (eb != null) {
            expiringBefore = Instants.parse("expiringBefore", eb);
        }
        String sort = blankToNull(ctx.queryParam("sort"));
        if (sort != null && !sort.equals("expiry") && !sort.equals("issued")) {
            throw ApiException.badRequest("sort must be expiry or issued");
        }
        String serial = blankToNull(ctx.queryParam("serial"));
        if (serial != null) {
            serial = normalSerial(serial);
            if (!serial.matches("[0-9a-f]{1,40}")) {
                throw ApiException.badRequest("serial must be hexadecimal (colons allowed)");
            }
        }
        CertificateQuery q = Searches.query(blankToNull(ctx.queryParam("caId")), blankToNull(ctx.queryParam("q")), serial,
                status, expiringBefore, blankToNull(ctx.queryParam("profile")),
                "issued".equals(sort) ? CertificateQuery.Order.NEWEST : CertificateQuery.Order.EXPIRY,
                Instant.now(), paging.offset(), paging.limit());
        Page<IssuedCertificate> page = authorities.search(q);
        Json.write(ctx, 200, new Views.PageView<>(page.items().stream().map(Views.CertificateView::of).toList(),
                page.offset(), page.limit(), page.total()));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
