package dev.signet.web;

import static dev.signet.web.http.Route.get;
import static dev.signet.web.http.Route.post;

import dev.signet.web.api.AuditController;
import dev.signet.web.api.CaController;
import dev.signet.web.api.CertificateController;
import dev.signet.web.api.DataKeyController;
import dev.signet.web.api.HealthController;
import dev.signet.web.api.IdentityController;
import dev.signet.web.api.KeyController;
import dev.signet.web.api.MetricsController;
import dev.signet.web.api.OpenApiController;
import dev.signet.web.api.PkiController;
import dev.signet.web.api.ProfileController;
import dev.signet.web.api.SignController;
import dev.signet.web.api.RevocationController;
import dev.signet.web.api.TokenController;
import dev.signet.web.api.UserIdentityController;
import dev.signet.web.api.TsaController;
import dev.signet.web.api.TsaEndpoint;
import dev.signet.web.api.TsaMetrics;
import dev.signet.web.api.ValidateController;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.StoreSecurityAudit;
import dev.signet.web.http.Route;
import dev.signet.web.pki.CrlController;
import dev.signet.web.pki.OcspController;
import dev.signet.web.pki.OcspEndpoint;
import dev.signet.web.ui.UiRoutes;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route of the server, in one table: path, who may call it, and the handler. Reserved
 * contract routes whose features are not built (PDF validation) are absent, so they answer 404.
 */
public final class Routes {

    /** Read access to CAs, profiles and certificates. */
    static final Access READ = Access.roles(Role.ADMIN, Role.OFFICER, Role.AUDITOR);
    static final Access ADMIN = Access.roles(Role.ADMIN);
    static final Access OFFICER = Access.roles(Role.OFFICER);
    /** Revoke and release: officers, and admins (who alone may revoke CA certificates). */
    static final Access REVOKE = Access.roles(Role.OFFICER, Role.ADMIN);
    static final Access AUDIT = Access.roles(Role.AUDITOR, Role.ADMIN);
    static final Access PUBLIC = Access.PUBLIC;
    /** Signing with the identities granted to the token (checked by the handler). */
    static final Access SIGNER = Access.roles(Role.SIGNER);
    /** Any authenticated role (PDF validation). */
    static final Access ANY_ROLE = Access.roles(Role.ADMIN, Role.OFFICER, Role.SIGNER, Role.AUDITOR);
    /** Using a data key: any role but auditor (metadata only), and then only with a grant for that key. */
    static final Access DATA_KEY_USE = Access.roles(Role.ADMIN, Role.OFFICER, Role.SIGNER);

    private Routes() {}

    /**
     * The routes of a read-only node: health, CA certificates, CRLs and OCSP, all public. No TSA
     * (its tokens must be recorded), no API, no UI.
     */
    public static List<Route> responder(Services s) {
        HealthController health = new HealthController(s.database(), s.keys(), Services.AUDIT_KEY_LABEL);
        PkiController pki = new PkiController(s.authorities());
        CrlController crls = new CrlController(s.revocations(), s.config().revocation().crlAfterRevocation());
        OcspController ocsp = new OcspController(new OcspEndpoint(s.revocations()));
        return List.of(
                get("/health", PUBLIC, health::health),
                get("/ca/{file}", PUBLIC, pki::caCertificate),
                get("/crl/{file}", PUBLIC, crls::full),
                get("/crl/delta/{file}", PUBLIC, crls::delta),
                post("/ocsp/{caId}", PUBLIC, ocsp::post),
                get("/ocsp/{caId}/{request}", PUBLIC, ocsp::get));
    }

    public static List<Route> table(Services s) {
        HealthController health = new HealthController(s.database(), s.keys(), Services.AUDIT_KEY_LABEL);
        MetricsController metrics = new MetricsController(s.metrics());
        OpenApiController openApi = new OpenApiController();
        PkiController pki = new PkiController(s.authorities());
        CaController cas = new CaController(s.authorities(), s.config().publicBaseUrl().toString());
        ProfileController profiles = new ProfileController(s.authorities(), s.config().profilesDir(), s.database());
        CertificateController certificates = new CertificateController(s.authorities());
        IdentityController identities = new IdentityController(s.authorities());
        KeyController keys = new KeyController(s.keys());
        AuditController audit = new AuditController(s.auditLog());
        TokenController tokens = new TokenController(s.access());
        UserIdentityController userIdentities = new UserIdentityController(s.access());
        SignController sign = new SignController(new PdfSigningService(s), s.documentSigners(), s.pdfSigner(), s.cadesSigner(), s.auditLog(),
                new StoreSecurityAudit(s.auditLog(), s.anonymousRefusals()), s.signingWorkDir(), s.config().signing().maxDocumentBytes());
        TsaController tsa = new TsaController(s.timeStampAuthorities(), tsaEndpoint(s));
        ValidateController validate = new ValidateController(s.pdfValidation());
        DataKeyController dataKeys = new DataKeyController(s.dataKeys(),
                new StoreSecurityAudit(s.auditLog(), s.anonymousRefusals()), s.metrics());
        RevocationController revocation = new RevocationController(s.revocations());
        CrlController crls = new CrlController(s.revocations(), s.config().revocation().crlAfterRevocation());
        OcspController ocsp = new OcspController(new OcspEndpoint(s.revocations()));

        List<Route> routes = new ArrayList<>(List.of(
                get("/health", PUBLIC, health::health),
                get("/metrics", AUDIT, metrics::scrape),
                get("/ca/{file}", PUBLIC, pki::caCertificate),
                // Answered ahead of Javalin by TsaFastPath (same endpoint class); listed here as every route is.
                post("/tsa", PUBLIC, tsa::stampDefault),
                post("/tsa/{name}", PUBLIC, tsa::stampNamed),
                get("/api/v1/openapi.json", PUBLIC, openApi::document),
                get("/crl/{file}", PUBLIC, crls::full),
                get("/crl/delta/{file}", PUBLIC, crls::delta),
                // Answered ahead of Javalin by OcspFastPath (same endpoint); listed here as every route is.
                post("/ocsp/{caId}", PUBLIC, ocsp::post),
                get("/ocsp/{caId}/{request}", PUBLIC, ocsp::get),

                get("/api/v1/cas", READ, cas::list),
                post("/api/v1/cas", ADMIN, cas::create),
                get("/api/v1/cas/{caId}", READ, cas::get),
                post("/api/v1/cas/{caId}/certificate", ADMIN, cas::importCertificate),
                get("/api/v1/profiles", READ, profiles::list),
                get("/api/v1/profiles/{name}", READ, profiles::get),
                post("/api/v1/profiles/reload", ADMIN, profiles::reload),

                post("/api/v1/cas/{caId}/certificates", OFFICER, certificates::issue),
                get("/api/v1/cas/{caId}/certificates/{serial}", READ, certificates::get),
                post("/api/v1/cas/{caId}/certificates/{serial}/revoke", REVOKE, revocation::revoke),
                post("/api/v1/cas/{caId}/certificates/{serial}/release", REVOKE, revocation::release),
                post("/api/v1/cas/{caId}/certificates/{serial}/renew", OFFICER, certificates::renew),
                get("/api/v1/certificates", READ, certificates::search),
                post("/api/v1/identities", OFFICER, identities::create),
                post("/api/v1/sign/pdf", SIGNER, sign::signPdf),
                post("/api/v1/extend/pdf", SIGNER, sign::extendPdf),
                post("/api/v1/sign/cades", SIGNER, sign::signCades),

                // Data keys before the HSM key routes: /api/v1/keys/data is the data-key list (see README).
                post("/api/v1/keys/data", ADMIN, dataKeys::create),
                get("/api/v1/keys/data", AUDIT, dataKeys::list),
                get("/api/v1/keys/data/{name}", AUDIT, dataKeys::get),
                post("/api/v1/keys/data/{name}/rotate", ADMIN, dataKeys::rotate),
                post("/api/v1/keys/data/{name}/min-decrypt-version", ADMIN, dataKeys::minDecryptVersion),
                post("/api/v1/keys/data/{name}/enable", ADMIN, dataKeys::enable),
                post("/api/v1/keys/data/{name}/disable", ADMIN, dataKeys::disable),
                post("/api/v1/keys/data/{name}/schedule-destruction", ADMIN, dataKeys::scheduleDestruction),
                post("/api/v1/keys/data/{name}/cancel-destruction", ADMIN, dataKeys::cancelDestruction),
                post("/api/v1/keys/data/{name}/grants", ADMIN, dataKeys::grant),
                post("/api/v1/keys/data/{name}/grants/{tokenId}/revoke", ADMIN, dataKeys::revokeGrant),
                post("/api/v1/keys/data/{name}/encrypt", DATA_KEY_USE, dataKeys::encrypt),
                post("/api/v1/keys/data/{name}/decrypt", DATA_KEY_USE, dataKeys::decrypt),
                post("/api/v1/keys/data/{name}/datakey", DATA_KEY_USE, dataKeys::generateDataKey),
                post("/api/v1/keys/data/{name}/rewrap", DATA_KEY_USE, dataKeys::rewrap),
                get("/api/v1/keys", AUDIT, keys::list),
                get("/api/v1/keys/{label}", AUDIT, keys::get),
                get("/api/v1/tsas", READ, tsa::list),
                get("/api/v1/tsas/{name}", READ, tsa::get),
                post("/api/v1/tsas/{name}/certificate", ADMIN, tsa::importCertificate),
                post("/api/v1/tsas/{name}/rekey", ADMIN, tsa::rekey),
                post("/api/v1/tsas/{name}/retire", ADMIN, tsa::retire),
                get("/api/v1/audit", AUDIT, audit::list),
                get("/api/v1/audit/verify", AUDIT, audit::verify),

                get("/api/v1/tokens", ADMIN, tokens::list),
                post("/api/v1/tokens", ADMIN, tokens::create),
                post("/api/v1/tokens/{tokenId}/revoke", ADMIN, tokens::revoke),
                get("/api/v1/users/{username}/identities", ADMIN, userIdentities::list),
                post("/api/v1/users/{username}/identities", ADMIN, userIdentities::grant),
                post("/api/v1/users/{username}/identities/revoke", ADMIN, userIdentities::revoke),

                post("/api/v1/validate/pdf", ANY_ROLE, validate::validate)));
        routes.addAll(UiRoutes.routes(s));
        return List.copyOf(routes);
    }

    /** The TSA over HTTP, for the routes here and for {@link dev.signet.web.api.TsaFastPath}. */
    public static TsaEndpoint tsaEndpoint(Services s) {
        return new TsaEndpoint(s.timeStampAuthorities(), s.config().tsa().maxQueryBytes(), new TsaMetrics(s.metrics()));
    }
}
