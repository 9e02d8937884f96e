package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.Page;
import io.javalin.http.Context;
import dev.signet.web.Searches;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /ui/certificates}: search by subject or SAN text, serial, status, profile, CA and expiry,
 * newest first or soonest expiry first, with paging;
 * {@code /ui/certificates/{caId}/{serial}}: one certificate decoded, with PEM and DER downloads.
 */
public final class CertificatesController {

    static final int PAGE_SIZE = 25;
    static final int MAX_TEXT = 200;

    /** The search as the form holds it; empty strings for fields not set. */
    public record Search(String q, String serial, String status, String profile, String ca, String sort, String within) {

        /** The query string for page {@code page} of this search. */
        public String query(int page) {
            StringBuilder b = new StringBuilder("?page=").append(page);
            append(b, "q", q);
            append(b, "serial", serial);
            append(b, "status", status);
            append(b, "profile", profile);
            append(b, "ca", ca);
            if (!"issued".equals(sort)) {
                append(b, "sort", sort); // newest first is the default
            }
            append(b, "within", within);
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
                              String revokedAt, String revocationReason, String identity, boolean issued,
                              String renewedFrom) {

        public String renewLink() {
            return row.link() + "/renew";
        }

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
    private final SessionStore sessions;
    private final SessionCookie cookie;
    private final Templates templates;
    private final Clock clock;

    CertificatesController(CertificateAuthorities authorities, SessionStore sessions, SessionCookie cookie, Templates templates,
                           Clock clock) {
        this.authorities = authorities;
        this.sessions = sessions;
        this.cookie = cookie;
        this.templates = templates;
        this.clock = clock;
    }

    void search(Context ctx, Viewer viewer) {
        String q = trimmed(ctx.queryParam("q"));
        if (q != null && q.length() > MAX_TEXT) {
            throw UiException.badRequest("Search text is limited to " + MAX_TEXT + " characters.");
        }
        String serialText = trimmed(ctx.queryParam("serial"));
        String serial = null;
        if (serialText != null) {
            serial = serialText.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", "");
            if (!serial.matches("[0-9a-f]{1,40}")) {
                throw UiException.badRequest("A serial is hexadecimal, with or without colons (e.g. 4f:1a:09 or 4f1a09).");
            }
        }
        String status = trimmed(ctx.queryParam("status"));
        if (status != null && !status.equals("valid") && !status.equals("expired") && !status.equals("revoked")) {
            status = null;
        }
        String sort = "expiry".equals(trimmed(ctx.queryParam("sort"))) ? "expiry" : "issued";
        String withinText = trimmed(ctx.queryParam("within"));
        Instant now = clock.instant();
        Instant expiringBefore = null;
        if (withinText != null) {
            try {
                int days = Integer.parseInt(withinText);
                if (days < 1 || days > 36_525) {
                    throw new NumberFormatException();
                }
                expiringBefore = now.plus(Duration.ofDays(days));
            } catch (NumberFormatException e) {
                throw UiException.badRequest("\"Expiring within\" is a number of days from 1 to 36525.");
            }
        }
        String profile = trimmed(ctx.queryParam("profile"));
        String ca = trimmed(ctx.queryParam("ca"));
        int page = PageNumber.from(ctx, 1_000_000);
        List<CaInfo> cas = authorities.list();
        Map<String, String> names = DashboardController.caNames(cas);
        if (ca != null && !names.containsKey(ca)) {
            ca = null;
        }
        // "Expiring within" means still valid now and expiring soon, unless another status was asked for.
        String effectiveStatus = expiringBefore != null && status == null ? "valid" : status;
        Page<IssuedCertificate> result = authorities.search(Searches.query(ca, q, serial, effectiveStatus, expiringBefore,
                profile, "expiry".equals(sort) ? CertificateQuery.Order.EXPIRY : CertificateQuery.Order.NEWEST, now,
                (page - 1) * PAGE_SIZE, PAGE_SIZE));
        int pages = (int) Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Certificates", "certificates", viewer));
        params.put("model", new SearchModel(new Search(orEmpty(q), orEmpty(serialText), orEmpty(status), orEmpty(profile),
                orEmpty(ca), sort, orEmpty(withinText)),
                result.items().stream().map(c -> CertificateRow.of(c, names)).toList(), result.total(), page, pages,
                cas.stream().map(c -> new IssueController.Option(c.id(), c.name())).toList(),
                authorities.profiles().stream().filter(p -> !p.ca()).map(p -> p.name()).sorted().toList()));
        templates.render(ctx, 200, "certificates.jte", params);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
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
        Flash.Notice notice = sessions.takeFlash(cookie.read(ctx)).filter(Flash.Notice.class::isInstance)
                .map(Flash.Notice.class::cast)
                .filter(n -> n.caId().equals(c.caId()) && n.serial().equals(c.serial())).orElse(null);
        params.put("model", new DetailModel(CertificateRow.of(c, names), CertificateDetails.of(c.certificatePem()),
                c.certificatePem(), c.requester(), Format.time(c.revokedAt()), c.revocationReason(),
                notice == null ? null : notice.identity(), notice != null && notice.issued(),
                notice == null ? null : notice.renewedFrom()));
        params.put("revoke", revoke);
        templates.render(ctx, 200, "certificate.jte", params);
    }

    /** What the renewal form holds. */
    public record RenewModel(CertificateRow row, long maxValidityDays, String validityDays, String csr, String error) {}

    /** {@code GET /ui/certificates/{caId}/{serial}/renew}: the renewal form. */
    void renewForm(Context ctx, Viewer viewer) {
        showRenew(ctx, viewer, 200, find(ctx), "", "", null);
    }

    /** {@code POST .../renew}: a new certificate with the same names, for the same key or a new CSR's. */
    void renew(Context ctx, Viewer viewer) {
        IssuedCertificate old = find(ctx);
        String days = ctx.formParam("validityDays") == null ? "" : ctx.formParam("validityDays").strip();
        String csr = ctx.formParam("csr") == null ? "" : ctx.formParam("csr").strip();
        if (csr.length() > IssueController.MAX_CSR_BYTES) {
            showRenew(ctx, viewer, 413, old, days, "", "The CSR is larger than " + IssueController.MAX_CSR_BYTES / 1024
                    + " KiB; that is not a CSR.");
            return;
        }
        IssuedCertificate renewed;
        try {
            renewed = authorities.renew(old.caId(), old.serial(),
                    csr.isEmpty() ? null : csr.getBytes(StandardCharsets.US_ASCII), IssueController.validityDays(days),
                    viewer.actor());
        } catch (UiException e) {
            showRenew(ctx, viewer, e.status(), old, days, csr, e.getMessage());
            return;
        } catch (dev.signet.ca.CaException e) {
            if (e.kind() == dev.signet.ca.CaException.Kind.UNAVAILABLE) {
                throw e;
            }
            showRenew(ctx, viewer, UiErrors.status(e.kind()), old, days, csr, e.getMessage());
            return;
        }
        sessions.flash(cookie.read(ctx), new Flash.Notice(renewed.caId(), renewed.serial(), true, null, old.serial()));
        ctx.redirect("/ui/certificates/" + renewed.caId() + "/" + renewed.serial(), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void showRenew(Context ctx, Viewer viewer, int status, IssuedCertificate c, String days, String csr, String error) {
        Map<String, String> names = DashboardController.caNames(authorities.list());
        long max = authorities.profiles().stream().filter(p -> p.name().equals(c.profile())).findFirst()
                .map(p -> p.maxValidity().toDays()).orElse(0L);
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Renew certificate " + c.serial(), "certificates", viewer));
        params.put("model", new RenewModel(CertificateRow.of(c, names), max, days, csr, error));
        templates.render(ctx, status, "renew.jte", params);
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
