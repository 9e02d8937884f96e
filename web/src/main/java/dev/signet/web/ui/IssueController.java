package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.ProfileInfo;
import dev.signet.ca.SignerIdentity;
import dev.signet.hsm.KeyAlgorithm;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/issue}: choose a CA and a profile, see the profile's rules, paste or upload a CSR, get
 * the certificate. {@code /ui/identities/new}: a signer identity whose key is generated inside the
 * HSM. Refusals (bad CSR, policy) come back on the form with the reason, keeping what was entered.
 */
public final class IssueController {

    /** A CSR is a few kilobytes at most; anything much larger is not one. */
    static final int MAX_CSR_BYTES = 64 * 1024;
    static final String DEFAULT_PROFILE = "tls-server";
    static final String DEFAULT_IDENTITY_PROFILE = "document-signer";

    public record Option(String value, String label) {}

    public record IssueModel(List<Option> cas, List<Option> profiles, String ca, String profile, ProfileRules rules,
                             String csr, String validityDays, String error) {}

    public record IdentityModel(List<Option> cas, List<Option> profiles, List<String> algorithms, String ca,
                                String profile, ProfileRules rules, String subject, String keyAlgorithm, String error) {}

    private final CertificateAuthorities authorities;
    private final SessionStore sessions;
    private final SessionCookie cookie;
    private final Templates templates;

    IssueController(CertificateAuthorities authorities, SessionStore sessions, SessionCookie cookie, Templates templates) {
        this.authorities = authorities;
        this.sessions = sessions;
        this.cookie = cookie;
        this.templates = templates;
    }

    void form(Context ctx, Viewer viewer) {
        showIssue(ctx, viewer, 200, ctx.queryParam("ca"), ctx.queryParam("profile"), "", "", null);
    }

    /**
     * Posts of the one issue form: "Show rules" re-renders it for the CA and profile selected,
     * keeping what was typed; "Issue" issues with exactly the CA and profile selected in it.
     */
    void issue(Context ctx, Viewer viewer) throws IOException {
        String ca = ctx.formParam("ca");
        String profile = ctx.formParam("profile");
        String pasted = ctx.formParam("csr") == null ? "" : ctx.formParam("csr").strip();
        String days = ctx.formParam("validityDays") == null ? "" : ctx.formParam("validityDays").strip();
        String keep = pasted.length() <= MAX_CSR_BYTES ? pasted : "";
        if ("rules".equals(ctx.formParam("show"))) {
            showIssue(ctx, viewer, 200, ca, profile, keep, days, null);
            return;
        }
        byte[] csr;
        UploadedFile file = ctx.uploadedFile("csrFile");
        if (file != null && file.size() > 0) {
            csr = read(file);
        } else {
            csr = pasted.getBytes(StandardCharsets.US_ASCII);
        }
        if (csr.length > MAX_CSR_BYTES) {
            showIssue(ctx, viewer, 413, ca, profile, "", days, "The CSR is larger than " + MAX_CSR_BYTES / 1024 + " KiB; that is not a CSR.");
            return;
        }
        if (csr.length == 0) {
            showIssue(ctx, viewer, 400, ca, profile, pasted, days, "Paste a CSR (PEM) or choose a CSR file.");
            return;
        }
        Duration validity;
        try {
            validity = validityDays(days);
        } catch (UiException e) {
            showIssue(ctx, viewer, e.status(), ca, profile, keep, days, e.getMessage());
            return;
        }
        IssuedCertificate issued;
        try {
            issued = authorities.issue(required(ca, "CA"), required(profile, "profile"), csr, validity, viewer.actor());
        } catch (CaException e) {
            if (e.kind() == CaException.Kind.UNAVAILABLE) {
                throw e;
            }
            showIssue(ctx, viewer, UiErrors.status(e.kind()), ca, profile, keep, days, e.getMessage());
            return;
        }
        sessions.flash(cookie.read(ctx), new Flash.Notice(issued.caId(), issued.serial(), true, null, null));
        ctx.redirect("/ui/certificates/" + issued.caId() + "/" + issued.serial(), HttpStatus.SEE_OTHER);
    }

    /** Days from a form field: empty is the profile's longest (null); otherwise a whole number of days. */
    static Duration validityDays(String days) {
        if (days == null || days.isBlank()) {
            return null;
        }
        try {
            int d = Integer.parseInt(days.strip());
            if (d >= 1 && d <= 36_525) {
                return Duration.ofDays(d);
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw UiException.badRequest("The validity is a whole number of days, at least 1 and at most the profile's longest; "
                + "leave it empty for the longest.");
    }

    /** One signer identity in the list. */
    public record IdentityRow(String id, CertificateRow certificate, String keyAlgorithm) {}

    /** {@code /ui/identities}: every signer identity whose key the HSM holds. */
    void identities(Context ctx, Viewer viewer) {
        Map<String, String> names = DashboardController.caNames(authorities.list());
        List<IdentityRow> rows = authorities.listSignerIdentities().stream()
                .map(i -> new IdentityRow(i.id(), CertificateRow.of(i.certificate(), names), i.certificate().keyAlgorithm()))
                .toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Signer identities", "identities", viewer));
        params.put("rows", rows);
        templates.render(ctx, 200, "identities.jte", params);
    }

    void identityForm(Context ctx, Viewer viewer) {
        showIdentity(ctx, viewer, 200, ctx.queryParam("ca"), ctx.queryParam("profile"), "", "EC_P256", null);
    }

    void createIdentity(Context ctx, Viewer viewer) {
        String ca = ctx.formParam("ca");
        String profile = ctx.formParam("profile");
        String subject = ctx.formParam("subject") == null ? "" : ctx.formParam("subject").strip();
        String algorithm = ctx.formParam("keyAlgorithm");
        if ("rules".equals(ctx.formParam("show"))) {
            showIdentity(ctx, viewer, 200, ca, profile, subject, algorithm, null);
            return;
        }
        KeyAlgorithm keyAlgorithm;
        try {
            keyAlgorithm = KeyAlgorithm.parse(algorithm == null ? "" : algorithm);
        } catch (IllegalArgumentException e) {
            showIdentity(ctx, viewer, 400, ca, profile, subject, algorithm, "Choose a key algorithm from the list.");
            return;
        }
        SignerIdentity identity;
        try {
            identity = authorities.createSignerIdentity(required(ca, "CA"), required(profile, "profile"), subject,
                    keyAlgorithm, viewer.actor());
        } catch (CaException e) {
            if (e.kind() == CaException.Kind.UNAVAILABLE) {
                throw e;
            }
            showIdentity(ctx, viewer, UiErrors.status(e.kind()), ca, profile, subject, algorithm, e.getMessage());
            return;
        }
        IssuedCertificate c = identity.certificate();
        sessions.flash(cookie.read(ctx), new Flash.Notice(c.caId(), c.serial(), false, identity.id(), null));
        ctx.redirect("/ui/certificates/" + c.caId() + "/" + c.serial(), HttpStatus.SEE_OTHER);
    }

    private void showIssue(Context ctx, Viewer viewer, int status, String ca, String profile, String csr, String validityDays,
                           String error) {
        List<Option> cas = caOptions();
        List<ProfileInfo> profiles = leafProfiles();
        ProfileInfo selected = select(profiles, profile, DEFAULT_PROFILE);
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Issue a certificate", "issue", viewer));
        params.put("model", new IssueModel(cas, profileOptions(profiles), selectCa(cas, ca), selected == null ? null : selected.name(),
                selected == null ? null : ProfileRules.of(selected), csr, validityDays, error));
        templates.render(ctx, status, "issue.jte", params);
    }

    private void showIdentity(Context ctx, Viewer viewer, int status, String ca, String profile, String subject,
                              String algorithm, String error) {
        List<Option> cas = caOptions();
        List<ProfileInfo> profiles = leafProfiles();
        ProfileInfo selected = select(profiles, profile, DEFAULT_IDENTITY_PROFILE);
        List<String> algorithms = Arrays.stream(KeyAlgorithm.values()).filter(a -> !a.isSymmetric()).map(Enum::name).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("New signer identity", "identities", viewer));
        params.put("model", new IdentityModel(cas, profileOptions(profiles), algorithms, selectCa(cas, ca),
                selected == null ? null : selected.name(), selected == null ? null : ProfileRules.of(selected), subject,
                algorithms.contains(algorithm) ? algorithm : "EC_P256", error));
        templates.render(ctx, status, "identity.jte", params);
    }

    /** CAs that can issue now: active and with a certificate. The issuing CA is listed first by default. */
    private List<Option> caOptions() {
        return authorities.list().stream()
                .filter(c -> c.certificatePem() != null && "active".equals(c.status()))
                .sorted((a, b) -> Boolean.compare(a.parentId() == null, b.parentId() == null))
                .map(c -> new Option(c.id(), c.name()))
                .toList();
    }

    private List<ProfileInfo> leafProfiles() {
        return authorities.profiles().stream().filter(p -> !p.ca()).sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    private static List<Option> profileOptions(List<ProfileInfo> profiles) {
        return profiles.stream().map(p -> new Option(p.name(), p.name() + " — " + p.description())).toList();
    }

    private static String selectCa(List<Option> cas, String wanted) {
        for (Option o : cas) {
            if (o.value().equals(wanted)) {
                return wanted;
            }
        }
        return cas.isEmpty() ? null : cas.get(0).value();
    }

    private static ProfileInfo select(List<ProfileInfo> profiles, String wanted, String fallback) {
        for (String name : new String[] {wanted, fallback}) {
            for (ProfileInfo p : profiles) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
        }
        return profiles.isEmpty() ? null : profiles.get(0);
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw UiException.badRequest("Choose a " + what + ".");
        }
        return value;
    }

    /** Reads at most one byte over the limit, so an oversized upload is recognised without reading it all. */
    private static byte[] read(UploadedFile file) throws IOException {
        try (InputStream in = file.content()) {
            return in.readNBytes(MAX_CSR_BYTES + 1);
        }
    }
}
