package dev.signet.web.api;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.ExternalCaRequest;
import dev.signet.ca.NewCa;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;

/** {@code /api/v1/cas}: the CAs this server runs, each with its chain; creation is for admins. */
public final class CaController {

    /**
     * A new CA: a root (no {@code parentId}), a subordinate of {@code parentId}, or, with
     * {@code external: true}, a CA whose parent is outside Signet (the answer carries its CSR).
     */
    public record CreateCa(String name, String subject, String keyAlgorithm, String parentId, String profile,
                           Integer validityDays, Integer pathLen, Boolean external) {}

    public record ImportCertificate(String certificatePem, String chainPem) {}

    private final CertificateAuthorities authorities;
    private final String baseUrl;

    public CaController(CertificateAuthorities authorities, String baseUrl) {
        this.authorities = authorities;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, authorities.list().stream().map(Views.CaView::of).toList());
    }

    public void get(Context ctx) {
        Json.write(ctx, 200, Views.CaView.of(authorities.get(ctx.pathParam("caId"))));
    }

    public void create(Context ctx) {
        CreateCa req = Json.read(ctx, CreateCa.class);
        require(req.name(), "name");
        require(req.subject(), "subject");
        KeyAlgorithm algorithm;
        try {
            algorithm = KeyAlgorithm.parse(req.keyAlgorithm() == null ? "EC_P256" : req.keyAlgorithm());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (req.validityDays() != null && req.validityDays() < 1) {
            throw ApiException.badRequest("validityDays must be positive");
        }
        NewCa spec = new NewCa(req.name(), req.subject(), algorithm,
                req.validityDays() == null ? null : Duration.ofDays(req.validityDays()), req.pathLen(), baseUrl);
        String actor = Guard.principal(ctx).actor();
        if (Boolean.TRUE.equals(req.external())) {
            if (req.parentId() != null) {
                throw ApiException.badRequest("a CA with an external parent has no parentId");
            }
            ExternalCaRequest pending = authorities.createWithExternalParent(spec, actor);
            Json.write(ctx, 201, Map.of("ca", Views.CaView.of(pending.ca()), "csrPem", pending.csrPem()));
            return;
        }
        CaInfo created = req.parentId() == null
                ? authorities.createRoot(spec, actor)
                : authorities.createSubordinate(req.parentId(), spec, req.profile(), actor);
        Json.write(ctx, 201, Views.CaView.of(created));
    }

    /** {@code POST /api/v1/cas/{caId}/certificate}: the certificate an external parent signed for a pending CA. */
    public void importCertificate(Context ctx) {
        ImportCertificate req = Json.read(ctx, ImportCertificate.class);
        require(req.certificatePem(), "certificatePem");
        CaInfo ca = authorities.importExternalCertificate(ctx.pathParam("caId"), req.certificatePem(), req.chainPem(),
                Guard.principal(ctx).actor());
        Json.write(ctx, 200, Views.CaView.of(ca));
    }

    static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field + " is required");
        }
    }
}
