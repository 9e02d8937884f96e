package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.TimeStampAuthorities;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/tsas}: every time-stamp authority, whichever CA certified it (a Signet CA's page shows
 * only its own; an external CA's TSA is shown here only), with the same buttons as there.
 */
final class TsasController {

    private final CertificateAuthorities authorities;
    private final TimeStampAuthorities tsas;
    private final Templates templates;
    private final String baseUrl;

    TsasController(CertificateAuthorities authorities, TimeStampAuthorities tsas, Templates templates, String baseUrl) {
        this.authorities = authorities;
        this.tsas = tsas;
        this.templates = templates;
        this.baseUrl = baseUrl;
    }

    void list(Context ctx, Viewer viewer) {
        Map<String, String> caNames = new HashMap<>();
        for (CaInfo ca : authorities.list()) {
            caNames.put(ca.id(), ca.name());
        }
        List<CaController.TsaRow> rows = tsas.list().stream()
                .map(t -> CaController.TsaRow.of(t, baseUrl, caNames.getOrDefault(t.caId(), t.caId()))).toList();
        Frame frame = Frame.of("Time-stamp authorities", "tsas", viewer);
        String notice = CaController.tsaNotice(ctx);
        Map<String, Object> params = new HashMap<>();
        params.put("frame", notice == null ? frame : frame.withNotice(notice));
        params.put("tsas", rows);
        templates.render(ctx, 200, "tsas.jte", params);
    }
}
