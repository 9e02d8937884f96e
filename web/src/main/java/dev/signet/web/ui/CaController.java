package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.RevocationState;
import dev.signet.ca.Revocations;
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
                        List<CertificateDetails> chain, long issued) {}

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
    private final Revocations revocations;
    private final Templates templates;

    CaController(CertificateAuthorities authorities, Revocations revocations, Templates templates) {
        this.authorities = authorities;
        this.revocations = revocations;
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
                children, chain, issued));
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
