package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaInfo;
import dev.signet.ca.RevocationState;
import dev.signet.ca.Revocations;
import dev.signet.ca.NewCa;
import dev.signet.ca.CertificateQuery;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.Searches;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ui/cas}: every CA, and (for admins) a form creating a subordinate CA whose key is
 * generated in the HSM; {@code /ui/cas/{caId}}: one CA, its URLs, its counts, its chain decoded,
 * and the chain as a PEM download.
 */
public final class CaController {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    /** Certificates a CA issued, by status as a person means it. */
    public record Counts(long issued, long valid, long expired, long revoked) {}

    public record Model(CaInfo ca, String parentName, List<DashboardController.CaRow> children,
                        List<CertificateDetails> chain, Counts counts, List<TsaRow> tsas) {

        /** Kept for the templates written before the counts: every certificate this CA issued. */
        public long issued() {
            return counts.issued();
        }
    }

    /** What the new-subordinate form holds, kept as typed when it is refused. */
    public record NewSubordinate(String parentId, String name, String subject, String keyAlgorithm, String profile) {

        static final NewSubordinate EMPTY = new NewSubordinate("", "", "", "EC_P256", CertificateAuthorities.DEFAULT_SUB_CA_PROFILE);
    }

    public record ListModel(List<DashboardController.CaRow> cas, List<IssueController.Option> parents,
                            List<String> algorithms, List<String> profiles, NewSubordinate form, String error) {}

    /**
     * A time-stamp authority: where it answers, its policy, its counters and its certificate; who
     * certified it ({@code caId} null: an external CA, then {@code csrPem} is the CSR it waits to
     * have signed, at first or after a re-key).
     */
    public record TsaRow(String name, String url, String status, String policy, long accuracyMillis, long tokensIssued,
                         String lastGenTime, String rejections, CertificateDetails certificate, String refusal, String retiredAt,
                         List<PreviousTsaCertificate> previous, String caId, String certifiedBy, String csrPem) {

        static TsaRow of(TsaInfo t, String baseUrl) {
            return of(t, baseUrl, t.caId());
        }

        /** @param caName the name of the Signet CA that certified it (ignored for an external CA's TSA) */
        static TsaRow of(TsaInfo t, String baseUrl, String caName) {
            StringBuilder r = new StringBuilder();
            t.rejections().forEach((reason, n) -> {
                if (n > 0) {
                    r.append(r.length() == 0 ? "" : ", ").append(reason).append(' ').append(n);
                }
            });
            return new TsaRow(t.name(), baseUrl + t.path(), t.status(), t.policyOid(), t.accuracyMillis(), t.tokensIssued(),
                    t.lastGenTime() == null ? "none yet" : Format.time(t.lastGenTime()), r.length() == 0 ? "none" : r.toString(),
                    t.certificatePem() == null ? null : CertificateDetails.of(t.certificatePem()), t.refusal(),
                    t.retiredAt() == null ? null : Format.time(t.retiredAt()),
                    t.previousCertificates().stream().map(p -> new PreviousTsaCertificate(CertificateDetails.of(p.certificatePem()),
                            Format.time(p.replacedAt()), p.keyState())).toList(),
                    t.caId(), t.caId() == null ? "an external CA" : caName,
                    t.caId() != null || "retired".equals(t.status()) ? null : t.nextCsrPem() != null ? t.nextCsrPem()
                            : t.certificatePem() == null ? t.csrPem() : null);
        }
    }

    /** A certificate a TSA used before a re-key or its retirement: tokens issued then verify with it. */
    public record PreviousTsaCertificate(CertificateDetails certificate, String replacedAt, String keyState) {}

    /** The CA's CRLs and OCSP responder as its page shows them (times formatted; null parts absent). */
    public record RevocationView(String fullCrl, String deltaCrl, String responder, int cachedResponses) {

        static RevocationView of(RevocationState s) {
            return new RevocationView(crl(s.fullCrl()), crl(s.deltaCrl()),
                    s.ocspWithCaKey() ? "the CA key signs OCSP responses"
                            : s.responderSerial() == null ? "none yet (made at the first OCSP request)"
                            : "delegated responder, serial " + s.responderSerial() + ", valid until " + Format.time(s.responderNotAfter()),
                    s.cachedOcspResponses());
        }

        private static String crl(RevocationState.CrlSummary c) {
            return c == null ? null : "number " + c.number() + (c.baseNumber() == null ? "" : " (base " + c.baseNumber() + ")")
                    + ", " + c.entries() + " entries, this update " + Format.time(c.thisUpdate())
                    + ", next update " + Format.time(c.nextUpdate());
        }
    }

    private final CertificateAuthorities authorities;
    private final TimeStampAuthorities tsas;
    private final Revocations revocations;
    private final Templates templates;
    private final String baseUrl;
    private final Clock clock;

    CaController(CertificateAuthorities authorities, TimeStampAuthorities tsas, Revocations revocations, Templates templates, String baseUrl, Clock clock) {
        this.authorities = authorities;
        this.tsas = tsas;
        this.revocations = revocations;
        this.templates = templates;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    void list(Context ctx, Viewer viewer) {
        showList(ctx, viewer, 200, NewSubordinate.EMPTY, null);
    }

    /** {@code POST /ui/cas}: a subordinate CA of an existing CA (admins). */
    void createSubordinate(Context ctx, Viewer viewer) {
        NewSubordinate form = new NewSubordinate(field(ctx, "parentId"), field(ctx, "name"), field(ctx, "subject"),
                field(ctx, "keyAlgorithm"), field(ctx, "profile"));
        String problem = null;
        KeyAlgorithm algorithm = null;
        if (form.name().isEmpty() || form.name().length() > 200) {
            problem = "Give the CA a name of 1 to 200 characters.";
        } else if (form.subject().isEmpty()) {
            problem = "Give the CA a subject, e.g. CN=Example Issuing CA,O=Example.";
        } else {
            try {
                algorithm = KeyAlgorithm.parse(form.keyAlgorithm());
                if (algorithm.isSymmetric()) {
                    problem = "Choose a signing key algorithm.";
                }
            } catch (IllegalArgumentException e) {
                problem = "Choose a key algorithm from the list.";
            }
        }
        if (problem != null) {
            showList(ctx, viewer, 400, form, problem);
            return;
        }
        CaInfo created;
        try {
            created = authorities.createSubordinate(form.parentId(), new NewCa(form.name(), form.subject(), algorithm, null, null,
                    baseUrl), form.profile().isEmpty() ? null : form.profile(), viewer.actor());
        } catch (CaException e) {
            if (e.kind() == CaException.Kind.UNAVAILABLE) {
                throw e;
            }
            showList(ctx, viewer, UiErrors.status(e.kind()), form, e.getMessage());
            return;
        }
        ctx.redirect("/ui/cas/" + created.id() + "?created=1", HttpStatus.SEE_OTHER);
    }

    private void showList(Context ctx, Viewer viewer, int status, NewSubordinate form, String error) {
        List<CaInfo> all = authorities.list();
        Map<String, String> names = DashboardController.caNames(all);
        List<DashboardController.CaRow> rows = new ArrayList<>();
        for (CaInfo c : all) {
            rows.add(DashboardController.row(c, names));
        }
        List<IssueController.Option> parents = all.stream()
                .filter(c -> c.certificatePem() != null && "active".equals(c.status()))
                .map(c -> new IssueController.Option(c.id(), c.name())).toList();
        List<String> algorithms = Arrays.stream(KeyAlgorithm.values()).filter(a -> !a.isSymmetric()).map(Enum::name).toList();
        List<String> profiles = authorities.profiles().stream().filter(p -> p.ca()).map(p -> p.name()).sorted().toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Certificate authorities", "cas", viewer));
        params.put("model", new ListModel(rows, parents, algorithms, profiles, form, error));
        templates.render(ctx, status, "cas.jte", params);
    }

    void show(Context ctx, Viewer viewer) {
        CaInfo ca = authorities.get(ctx.pathParam("caId"));
        List<CaInfo> all = authorities.list();
        Map<String, String> names = DashboardController.caNames(all);
        List<DashboardController.CaRow> children = new ArrayList<>();
        for (CaInfo c : all) {
            if (ca.id().equals(c.parentId())) {
                children.add(DashboardController.row(c, names));
            }
        }
        List<CertificateDetails> chain = new ArrayList<>();
        if (ca.chainPem() != null) {
            for (String pem : blocks(ca.chainPem())) {
                chain.add(CertificateDetails.of(pem));
            }
        }
        Instant now = clock.instant();
        Counts counts = new Counts(count(ca.id(), null, now), count(ca.id(), "valid", now), count(ca.id(), "expired", now),
                count(ca.id(), "revoked", now));
        Map<String, Object> params = new HashMap<>();
        Frame frame = Frame.of(ca.name(), "cas", viewer);
        String tsaNotice = tsaNotice(ctx);
        params.put("frame", ctx.queryParam("created") != null ? frame.withNotice("The CA was created; its key is in the HSM.")
                : tsaNotice != null ? frame.withNotice(tsaNotice) : frame);
        params.put("model", new Model(ca, ca.parentId() == null ? null : names.getOrDefault(ca.parentId(), ca.parentId()),
                children, chain, counts, tsas.list().stream().filter(t -> ca.id().equals(t.caId()))
                        .map(t -> TsaRow.of(t, baseUrl)).toList()));
        RevocationView revocation = null;
        if (ca.certificatePem() != null) {
            try {
                revocation = RevocationView.of(revocations.state(ca.id()));
            } catch (dev.signet.ca.CaException e) {
                revocation = null; // its key is not in this server's HSM: nothing to show
            }
        }
        params.put("revocation", revocation);
        templates.render(ctx, 200, "ca.jte", params);
    }

    /** {@code GET /ui/tsas/{name}/rekey}: asks before re-keying (admins). */
    void confirmTsaRekey(Context ctx, Viewer viewer) {
        TsaInfo t = tsas.get(ctx.pathParam("name"));
        confirmTsa(ctx, viewer, new AdminController.Confirmation("Re-key TSA " + t.name() + "?",
                "A new key is made in the HSM and " + (t.caId() == null
                        ? "its CSR is shown for the external CA to sign; the current key stamps on until that certificate is imported."
                        : "certified by the same CA; it signs every token from now on. The current key is destroyed; its certificate "
                        + "stays listed, so tokens issued so far remain verifiable.") + " Name, URL and policy stay.",
                "/ui/tsas/" + t.name() + "/rekey", "Re-key " + t.name(), cancel(t)));
    }

    /** {@code POST /ui/tsas/{name}/rekey}. */
    void rekeyTsa(Context ctx, Viewer viewer) {
        TsaInfo t = tsas.rekey(ctx.pathParam("name"), viewer.actor());
        ctx.redirect(cancel(t).replace("#", t.caId() == null ? "?tsa=csr#" : "?tsa=rekeyed#"), HttpStatus.SEE_OTHER);
    }

    /** {@code GET /ui/tsas/{name}/retire}: asks before retiring (admins). */
    void confirmTsaRetire(Context ctx, Viewer viewer) {
        TsaInfo t = tsas.get(ctx.pathParam("name"));
        confirmTsa(ctx, viewer, new AdminController.Confirmation("Retire TSA " + t.name() + "?",
                "It stops at once: every query to " + t.path() + " gets a rejection. Its record, counters and certificates stay, "
                        + "its key is destroyed. This cannot be undone.",
                "/ui/tsas/" + t.name() + "/retire", "Retire " + t.name(), cancel(t)));
    }

    /** {@code POST /ui/tsas/{name}/retire}. */
    void retireTsa(Context ctx, Viewer viewer) {
        TsaInfo t = tsas.retire(ctx.pathParam("name"), viewer.actor());
        ctx.redirect(cancel(t).replace("#", "?tsa=retired#"), HttpStatus.SEE_OTHER);
    }

    /** Back to where the TSA is shown: its CA's page, or the TSAs page for an external CA's TSA. */
    private static String cancel(TsaInfo t) {
        return (t.caId() == null ? "/ui/tsas" : "/ui/cas/" + t.caId()) + "#tsa-" + t.name();
    }

    /** The notice after a re-key or retirement ({@code ?tsa=rekeyed|retired}), or null. */
    static String tsaNotice(Context ctx) {
        return switch (String.valueOf(ctx.queryParam("tsa"))) {
            case "rekeyed" -> "The TSA was re-keyed: it signs with its new key and certificate; the old key is destroyed.";
            case "retired" -> "The TSA is retired: it refuses every query from now on.";
            case "csr" -> "A new key was made in the HSM. The TSA stamps with its current key until the external CA's "
                    + "certificate for the new one is imported; the CSR is below.";
            default -> null;
        };
    }

    private void confirmTsa(Context ctx, Viewer viewer, AdminController.Confirmation c) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Certificate authorities", "cas", viewer));
        params.put("confirm", c);
        templates.render(ctx, 200, "confirm.jte", params);
    }

    private long count(String caId, String status, Instant now) {
        return authorities.search(Searches.query(caId, null, null, status, null, null, CertificateQuery.Order.EXPIRY, now, 0, 1))
                .total();
    }

    private static String field(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.strip();
    }

    /** {@code /ui/cas/{caId}/chain.pem}: the CA's certificate and its parents up to the root. */
    void chain(Context ctx, Viewer viewer) {
        CaInfo ca = authorities.get(ctx.pathParam("caId"));
        if (ca.chainPem() == null) {
            throw UiException.notFound("This CA has no certificate yet (it waits for its external parent).");
        }
        Downloads.send(ctx, "application/pem-certificate-chain", Downloads.fileName(ca.name()) + "-chain.pem",
                ca.chainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static List<String> blocks(String pem) {
        List<String> out = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(pem);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
