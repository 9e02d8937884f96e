package dev.signet.web.api;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.SignerIdentity;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;

/**
 * {@code POST /api/v1/identities}: a signer identity, its key generated inside the HSM (it never
 * leaves it) and its certificate issued in the same step.
 */
public final class IdentityController {

    public record CreateIdentity(String caId, String profile, String subject, String keyAlgorithm) {}

    public record IdentityView(String id, String caId, String serial, String keyLabel, String keyAlgorithm,
                               String subject, String certificatePem, String chainPem) {}

    private final CertificateAuthorities authorities;

    public IdentityController(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    public void create(Context ctx) {
        CreateIdentity req = Json.read(ctx, CreateIdentity.class);
        CaController.require(req.caId(), "caId");
        CaController.require(req.profile(), "profile");
        CaController.require(req.subject(), "subject");
        KeyAlgorithm algorithm;
        try {
            algorithm = KeyAlgorithm.parse(req.keyAlgorithm() == null ? "EC_P256" : req.keyAlgorithm());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        SignerIdentity id = authorities.createSignerIdentity(req.caId(), req.profile(), req.subject(), algorithm,
                Guard.principal(ctx).actor());
        Json.write(ctx, 201, new IdentityView(id.id(), id.certificate().caId(), id.certificate().serial(),
                id.signer().keyLabel(), id.signer().keyAlgorithm().name(), id.certificate().subject(),
                id.certificate().certificatePem(), id.certificate().chainPem()));
    }
}
