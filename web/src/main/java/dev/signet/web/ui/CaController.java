package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaInfo;
import dev.signet.ca.store.CertificateQuery;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /ui/cas/{caId}}: one CA, its chain decoded, and the chain as a PEM download. */
public final class CaController {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    public record Model(CaInfo ca, String parentName, List<DashboardController.CaRow> children,
                        List<CertificateDetails> chain, long issued, List<TsaRow> tsas) {}

    /** A time-stamp authority this CA certified: where it answers, its policy, its counters and its certificate. */
    public record TsaRow(String name, String url, String status, String policy, long accuracyMillis, long tokensIssued,
                         String lastGenTime, String rejections, CertificateDetails certificate) {

        static TsaRow of(TsaInfo t, String baseUrl) {
            StringBuilder r = new StringBuilder();
            t.rejections().forEach((reason, n) -> {
                if (n > 0) {
                    r.append(r.length() == 0 ? "" : ", ").append(reason).append(' ').append(n);
                }
            });
            return new TsaRow(t.name(), baseUrl + t.path(), t.status(), t.policyOid(), t.accuracyMillis(), t.tokensIssued(),
                    t.lastGenTime() == null ? "none yet" : Format.time(t.lastGenTime()), r.length() == 0 ? "none" : r.toString(),
                    t.certificatePem() == null ? null : CertificateDetails.of(t.certificatePem()));
        }
    }

    private final CertificateAuthorities authorities;
    private final TimeStampAuthorities tsas;
    private final String baseUrl;
    private final Templates templates;

    CaController(CertificateAuthorities authorities, TimeStampAuthorities tsas, String baseUrl, Templates templates) {
        this.authorities = authorities;
        this.tsas = tsas;
        this.baseUrl = baseUrl;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        CaInfo ca = authorities.get(ctx.pathParam("caId"));
        List<CaInfo> all = authorities.list();
        Map<String, String> names = DashboardController.caNames(all);
        List<DashboardController.CaRow> children = new ArrayList<>();
        for (CaInfo c : all) {
            if (ca.id().equals(c.parentId())) {
                children.add(new DashboardController.CaRow(c.id(), c.name(), c.subject(), c.status(), c.keyAlgorithm(),
                        c.keyBackend(), Format.time(c.notAfter()), ca.name()));
            }
        }
        List<CertificateDetails> chain = new ArrayList<>();
        if (ca.chainPem() != null) {
            for (String pem : blocks(ca.chainPem())) {
                chain.add(CertificateDetails.of(pem));
            }
        }
        long issued = authorities.search(new CertificateQuery(ca.id(), null, null, null, null, 0, 1)).total();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of(ca.name(), "dashboard", viewer));
        params.put("model", new Model(ca, ca.parentId() == null ? null : names.getOrDefault(ca.parentId(), ca.parentId()),
                children, chain, issued, tsas.list().stream().filter(t -> ca.id().equals(t.caId()))
                        .map(t -> TsaRow.of(t, baseUrl)).toList()));
        templates.render(ctx, 200, "ca.jte", params);
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
