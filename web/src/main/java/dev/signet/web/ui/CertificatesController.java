package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.store.CertificateQuery;
import dev.signet.ca.store.Page;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /ui/certificates}: search by subject or SAN text, status, profile and CA, with paging;
 * {@code /ui/certificates/{caId}/{serial}}: one certificate decoded, with PEM and DER downloads.
 */
public final class CertificatesController {

    static final int PAGE_SIZE = 25;
    static final int MAX_TEXT = 200;

    public record Search(String q, String status, String profile, String ca) {

        /** The query string for page {@code page} of this search. */
        public String query(int page) {
            StringBuilder b = new StringBuilder("?page=").append(page);
            append(b, "q", q);
            append(b, "status", status);
            append(b, "profile", profile);
            append(b, "ca", ca);
            return b.toString();
        }

        private static void append(StringBuilder b, String name, String value) {
            if (value != null && !value.isEmpty()) {
                b.append('&').append(name).append('=').append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    public record SearchModel(Search search, List<CertificateRow> rows, long total, int page, int pages,
                              List<IssueController.Option> cas, List<String> profiles) {}

    public record DetailModel(CertificateRow row, CertificateDetails details, String certificatePem, String requester,
                              String revokedAt, String revocationReason, String identity, boolean issued) {

        public String pemLink() {
            return row.link() + "/certificate.pem";
        }

        public String derLink() {
            return row.link() + "/certificate.cer";
        }

        public String chainLink() {
            return row.link() + "/chain.pem";
        }
    }

    private final CertificateAuthorities authorities;
    private final Templates templates;

    CertificatesController(CertificateAuthorities authorities, Templates templates) {
        this.authorities = authorities;
        this.templates = templates;
    }

    void search(Context ctx, Viewer viewer) {
        String q = trimmed(ctx.queryParam("q"));
        if (q != null && q.length() > MAX_TEXT) {
            throw UiException.badRequest("Search text is limited to " + MAX_TEXT + " characters.");
        }
        String status = trimmed(ctx.queryParam("status"));
        if (status != null && !status.equals("valid") && !status.equals("revoked")) {
            status = null;
        }
        String profile = trimmed(ctx.queryParam("profile"));
        String ca = trimmed(ctx.queryParam("ca"));
        int page = PageNumber.from(ctx, 1_000_000);
        List<CaInfo> cas = authorities.list();
        Map<String, String> names = DashboardController.caNames(cas);
        if (ca != null && !names.containsKey(ca)) {
            ca = null;
        }
        Page<IssuedCertificate> result = authorities.search(
                new CertificateQuery(ca, q, status, null, profile, (page - 1) * PAGE_SIZE, PAGE_SIZE));
        int pages = (int) Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Certificates", "certificates", viewer));
        params.put("model", new SearchModel(new Search(q == null ? "" : q, status == null ? "" : status,
                profile == null ? "" : profile, ca == null ? "" : ca),
                result.items().stream().map(c -> CertificateRow.of(c, names)).toList(), result.total(), page, pages,
                cas.stream().map(c -> new IssueController.Option(c.id(), c.name())).toList(),
                authorities.profiles().stream().filter(p -> !p.ca()).map(p -> p.name()).sorted().toList()));
        templates.render(ctx, 200, "certificates.jte", params);
    }

    void detail(Context ctx, Viewer viewer) {
        IssuedCertificate c = find(ctx);
        render(ctx, viewer, c, RevocationPages.model(c, viewer, ctx));
    }

    /** The certificate page with the revoke confirmation in place of the revoke form. */
    void confirmRevoke(Context ctx, Viewer viewer, String reason, String invalidityDate) {
        IssuedCertificate c = find(ctx);
        RevocationPages.RevokeModel m = RevocationPages.model(c, viewer, ctx);
        render(ctx, viewer, c, new RevocationPages.RevokeModel(m.mayRevoke(), m.revoked(), m.onHold(), m.reasons(), true,
                reason, invalidityDate, m.action(), m.releaseAction(), false, false));
    }

    private void render(Context ctx, Viewer viewer, IssuedCertificate c, RevocationPages.RevokeModel revoke) {
        Map<String, String> names = DashboardController.caNames(authorities.list());
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Certificate " + c.serial(), "certificates", viewer));
        params.put("model", new DetailModel(CertificateRow.of(c, names), CertificateDetails.of(c.certificatePem()),
                c.certificatePem(), c.requester(), Format.time(c.revokedAt()), c.revocationReason(),
                trimmed(ctx.queryParam("identity")), ctx.queryParam("issued") != null));
        params.put("revoke", revoke);
        templates.render(ctx, 200, "certificate.jte", params);
    }

    void pem(Context ctx, Viewer viewer) {
        IssuedCertificate c = find(ctx);
        Downloads.send(ctx, "application/x-pem-file", c.serial() + ".pem", c.certificatePem().getBytes(StandardCharsets.US_ASCII));
    }

    void der(Context ctx, Viewer viewer) {
        IssuedCertificate c = find(ctx);
        Downloads.send(ctx, "application/pkix-cert", c.serial() + ".cer", CertificateDetails.encoded(CertificateDetails.parse(c.certificatePem())));
    }

    /** The certificate followed by its CA's chain: what a server configures. */
    void chain(Context ctx, Viewer viewer) {
        IssuedCertificate c = find(ctx);
        String pem = c.certificatePem().strip() + "\n" + (c.chainPem() == null ? "" : c.chainPem().strip() + "\n");
        Downloads.send(ctx, "application/pem-certificate-chain", c.serial() + "-chain.pem", pem.getBytes(StandardCharsets.US_ASCII));
    }

    private IssuedCertificate find(Context ctx) {
        String caId = ctx.pathParam("caId");
        String serial = ctx.pathParam("serial").toLowerCase(Locale.ROOT);
        return authorities.find(caId, serial)
                .orElseThrow(() -> UiException.notFound("This CA issued no certificate with serial " + serial + "."));
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
