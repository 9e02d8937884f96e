package dev.signet.web.ui;

import static dev.signet.web.http.Route.get;
import static dev.signet.web.http.Route.post;

import dev.signet.web.PdfSigningService;
import dev.signet.web.Services;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.auth.StoreSecurityAudit;
import dev.signet.web.http.Route;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.List;

/**
 * The web UI's routes (server-rendered pages, login, sessions, CSRF), registered from
 * {@link dev.signet.web.Routes} beside the API. They pass the API's bearer-token guard as
 * {@link Access#PUBLIC} because the UI authenticates people with its own session cookie: every
 * page below is behind {@link UiGate}, which checks the session, the CSRF token of every POST and
 * the role ({@link UiAccess}, the same split as the API's). Only the login page is open.
 */
public final class UiRoutes {

    private UiRoutes() {}

    /** Whether a registered path belongs to the UI (not the API, so not in the OpenAPI document). */
    public static boolean isUiPath(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
    }

    public static List<Route> routes(Services s) {
        return routes(s, Clock.systemUTC());
    }

    static List<Route> routes(Services s, Clock clock) {
        Templates templates = new Templates();
        UiErrors errors = new UiErrors(templates);
        SessionStore sessions = new SessionStore(s.uiSessions(), s.uiFlashKey(), clock);
        SessionCookie cookie = new SessionCookie(s.config().tls() != null);
        SecurityAudit audit = new StoreSecurityAudit(s.auditLog(), s.anonymousRefusals());
        UiGate gate = new UiGate(sessions, cookie, s.access(), audit, errors, s.config().signing().maxValidationBytes());

        LoginController login = new LoginController(sessions, cookie, s.access(), s.auditLog(), audit,
                new LoginThrottle(s.uiSessions(), clock),
                new LoginTokens(s.database().sharedKey(LoginTokens.KEY_NAME), clock), templates, errors);
        DashboardController dashboard = new DashboardController(s.authorities(), templates, clock);
        CaController cas = new CaController(s.authorities(), s.timeStampAuthorities(), s.revocations(), templates, s.config().publicBaseUrl().toString(), clock);
        TsasController tsas = new TsasController(s.authorities(), s.timeStampAuthorities(), templates, s.config().publicBaseUrl().toString());
        IssueController issue = new IssueController(s.authorities(), sessions, cookie, templates);
        CertificatesController certificates = new CertificatesController(s.authorities(), sessions, cookie, templates, clock);
        RevocationPages revocation = new RevocationPages(s.revocations(), certificates);
        AuditController auditLog = new AuditController(s.auditLog(), templates);
        KeysController keys = new KeysController(s.keys(), templates);
        AdminController admin = new AdminController(s.access(), sessions, cookie, templates, clock);
        ValidateController validate = new ValidateController(s.pdfValidation(), templates);
        DataKeysController dataKeys = new DataKeysController(s.dataKeys(), s.access(), templates);
        SignPdfPage sign = new SignPdfPage(new PdfSigningService(s), s.access(), s.authorities(), audit, templates);
        IdentityGrantsPage grants = new IdentityGrantsPage(s.access(), s.authorities(), templates);
        Access open = Access.PUBLIC;

        return List.of(
                get("/", open, ctx -> ctx.redirect("/ui", HttpStatus.SEE_OTHER)),
                get("/ui/login", open, login::form),
                post("/ui/login", open, login::login),
                post("/ui/logout", open, gate.page(UiAccess.ANY, login::logout)),

                get("/ui", open, gate.page(UiAccess.ANY, dashboard::show)),
                get("/ui/cas", open, gate.page(UiAccess.READ, cas::list)),
                post("/ui/cas", open, gate.page(UiAccess.ADMIN, cas::createSubordinate)),
                get("/ui/cas/{caId}", open, gate.page(UiAccess.READ, cas::show)),
                get("/ui/cas/{caId}/chain.pem", open, gate.page(UiAccess.READ, cas::chain)),
                get("/ui/tsas", open, gate.page(UiAccess.READ, tsas::list)),
                get("/ui/tsas/{name}/rekey", open, gate.page(UiAccess.ADMIN, cas::confirmTsaRekey)),
                post("/ui/tsas/{name}/rekey", open, gate.page(UiAccess.ADMIN, cas::rekeyTsa)),
                get("/ui/tsas/{name}/retire", open, gate.page(UiAccess.ADMIN, cas::confirmTsaRetire)),
                post("/ui/tsas/{name}/retire", open, gate.page(UiAccess.ADMIN, cas::retireTsa)),

                get("/ui/issue", open, gate.page(UiAccess.OFFICER, issue::form)),
                post("/ui/issue", open, gate.page(UiAccess.OFFICER, issue::issue)),
                get("/ui/identities", open, gate.page(UiAccess.READ, issue::identities)),
                get("/ui/identities/new", open, gate.page(UiAccess.OFFICER, issue::identityForm)),
                post("/ui/identities", open, gate.page(UiAccess.OFFICER, issue::createIdentity)),

                get("/ui/certificates", open, gate.page(UiAccess.READ, certificates::search)),
                get("/ui/certificates/{caId}/{serial}", open, gate.page(UiAccess.READ, certificates::detail)),
                get("/ui/certificates/{caId}/{serial}/renew", open, gate.page(UiAccess.OFFICER, certificates::renewForm)),
                post("/ui/certificates/{caId}/{serial}/renew", open, gate.page(UiAccess.OFFICER, certificates::renew)),
                get("/ui/certificates/{caId}/{serial}/certificate.pem", open, gate.page(UiAccess.READ, certificates::pem)),
                get("/ui/certificates/{caId}/{serial}/certificate.cer", open, gate.page(UiAccess.READ, certificates::der)),
                get("/ui/certificates/{caId}/{serial}/chain.pem", open, gate.page(UiAccess.READ, certificates::chain)),
                post("/ui/certificates/{caId}/{serial}/revoke", open, gate.page(UiAccess.REVOKE, revocation::revoke)),
                post("/ui/certificates/{caId}/{serial}/release", open, gate.page(UiAccess.REVOKE, revocation::release)),

                get("/ui/audit", open, gate.page(UiAccess.AUDIT, auditLog::show)),
                get("/ui/keys", open, gate.page(UiAccess.AUDIT, keys::show)),

                get("/ui/sign", open, gate.page(UiAccess.SIGN, sign::form)),
                post("/ui/sign", open, gate.upload(UiAccess.SIGN, sign.maxUploadBytes(), sign::sign)),
                get("/ui/validate", open, gate.page(UiAccess.ANY, validate::form)),
                post("/ui/validate", open, gate.page(UiAccess.ANY, validate::validate)),
                get("/ui/data-keys", open, gate.page(UiAccess.AUDIT, dataKeys::show)),
                post("/ui/data-keys", open, gate.page(UiAccess.ADMIN, dataKeys::create)),
                post("/ui/data-keys/{name}/rotate", open, gate.page(UiAccess.ADMIN, dataKeys::rotate)),
                post("/ui/data-keys/{name}/disable", open, gate.page(UiAccess.ADMIN, dataKeys::disable)),
                post("/ui/data-keys/{name}/enable", open, gate.page(UiAccess.ADMIN, dataKeys::enable)),

                get("/ui/users", open, gate.page(UiAccess.ADMIN, admin::users)),
                post("/ui/users", open, gate.page(UiAccess.ADMIN, admin::createUser)),
                get("/ui/users/{username}/disable", open, gate.page(UiAccess.ADMIN, admin::confirmDisable)),
                post("/ui/users/{username}/disable", open, gate.page(UiAccess.ADMIN, admin::disableUser)),
                post("/ui/users/{username}/enable", open, gate.page(UiAccess.ADMIN, admin::enableUser)),
                get("/ui/users/{username}/identities", open, gate.page(UiAccess.ADMIN, grants::show)),
                post("/ui/users/{username}/identities", open, gate.page(UiAccess.ADMIN, grants::grant)),
                post("/ui/users/{username}/identities/revoke", open, gate.page(UiAccess.ADMIN, grants::revoke)),
                get("/ui/tokens", open, gate.page(UiAccess.ADMIN, admin::tokens)),
                post("/ui/tokens", open, gate.page(UiAccess.ADMIN, admin::createToken)),
                get("/ui/tokens/{tokenId}/revoke", open, gate.page(UiAccess.ADMIN, admin::confirmRevoke)),
                post("/ui/tokens/{tokenId}/revoke", open, gate.page(UiAccess.ADMIN, admin::revokeToken)),

                // Last, so that every page above matches first: any other UI path is a 404 page.
                get("/ui/<rest>", open, ctx -> errors.notFound(ctx, null)),
                post("/ui/<rest>", open, ctx -> errors.notFound(ctx, null)));
    }
}
