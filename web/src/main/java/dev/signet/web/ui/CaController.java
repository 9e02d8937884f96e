package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.NewCa;
import dev.signet.ca.store.CertificateQuery;
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
                        List<CertificateDetails> chain, Counts counts) {

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

    private final CertificateAuthorities authorities;
    private final Templates templates;
    private final String baseUrl;
    private final Clock clock;

    CaController(CertificateAuthorities authorities, Templates templates, String baseUrl, Clock clock) {
        this.authorities = authorities;
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
        params.put("frame", ctx.queryParam("created") != null ? frame.withNotice("The CA was created; its key is in the HSM.") : frame);
        params.put("model", new Model(ca, ca.parentId() == null ? null : names.getOrDefault(ca.parentId(), ca.parentId()),
                children, chain, counts));
        templates.render(ctx, 200, "ca.jte", params);
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
