package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.audit.AuditEntry;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.CertificateQuery;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui}: the CAs, certificate counts, the most recent issuance (from the audit chain, which
 * records every issuance in order) and certificates that expire within {@link #EXPIRING}.
 */
public final class DashboardController {

    static final Duration EXPIRING = Duration.ofDays(30);
    static final int RECENT = 10;
    /** How far back in the audit chain to look for recent issuance. */
    static final int AUDIT_SCAN = 500;

    public record CaRow(String id, String name, String subject, String status, String keyAlgorithm, String keyBackend,
                        String notAfter, String parentName) {}

    public record Model(List<CaRow> cas, long total, long valid, long revoked, List<CertificateRow> recent,
                        List<CertificateRow> expiring, boolean expiringMore) {}

    private final CertificateAuthorities authorities;
    private final AuditLog audit;
    private final Templates templates;
    private final Clock clock;

    DashboardController(CertificateAuthorities authorities, AuditLog audit, Templates templates, Clock clock) {
        this.authorities = authorities;
        this.audit = audit;
        this.templates = templates;
        this.clock = clock;
    }

    void show(Context ctx, Viewer viewer) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Dashboard", "dashboard", viewer));
        params.put("model", viewer.canRead() ? model() : null);
        templates.render(ctx, 200, "dashboard.jte", params);
    }

    private Model model() {
        List<CaInfo> cas = authorities.list();
        Map<String, String> names = caNames(cas);
        List<CaRow> rows = new ArrayList<>();
        for (CaInfo ca : cas) {
            rows.add(new CaRow(ca.id(), ca.name(), ca.subject(), ca.status(), ca.keyAlgorithm(), ca.keyBackend(),
                    Format.time(ca.notAfter()), ca.parentId() == null ? "" : names.getOrDefault(ca.parentId(), ca.parentId())));
        }
        long total = count(null);
        long valid = count("valid");
        long revoked = count("revoked");

        Instant now = clock.instant();
        List<CertificateRow> expiring = new ArrayList<>();
        for (IssuedCertificate c : authorities.search(new CertificateQuery(null, null, "valid", now.plus(EXPIRING), null, 0, 200)).items()) {
            if (c.notAfter().isAfter(now)) {
                expiring.add(CertificateRow.of(c, names));
            }
        }
        boolean more = expiring.size() > RECENT;
        return new Model(rows, total, valid, revoked, recent(names), expiring.subList(0, Math.min(RECENT, expiring.size())), more);
    }

    private List<CertificateRow> recent(Map<String, String> names) {
        List<CertificateRow> out = new ArrayList<>();
        for (AuditEntry e : audit.list(0, AUDIT_SCAN).items()) {
            if (!"certificate.issue".equals(e.action())) {
                continue;
            }
            String[] ref = e.objectId().split("/", 2);
            if (ref.length == 2) {
                authorities.find(ref[0], ref[1]).ifPresent(c -> out.add(CertificateRow.of(c, names)));
            }
            if (out.size() == RECENT) {
                break;
            }
        }
        return out;
    }

    private long count(String status) {
        return authorities.search(new CertificateQuery(null, null, status, null, null, 0, 1)).total();
    }

    static Map<String, String> caNames(List<CaInfo> cas) {
        Map<String, String> names = new LinkedHashMap<>();
        for (CaInfo ca : cas) {
            names.put(ca.id(), ca.name());
        }
        return names;
    }
}
