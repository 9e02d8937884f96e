package dev.signet.web.ui;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.CertificateQuery;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.signet.web.Searches;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui}: the CAs, end-entity certificate counts (valid, expired, revoked), the most recently
 * issued and the certificates that expire within {@link #EXPIRING}.
 */
public final class DashboardController {

    static final Duration EXPIRING = Duration.ofDays(30);
    static final int RECENT = 10;

    public record CaRow(String id, String name, String subject, String status, String keyAlgorithm, String keyBackend,
                        String notAfter, String parentName) {}

    public record Model(List<CaRow> cas, long total, long valid, long expired, long revoked, List<CertificateRow> recent,
                        List<CertificateRow> expiring, boolean expiringMore) {}

    private final CertificateAuthorities authorities;
    private final Templates templates;
    private final Clock clock;

    DashboardController(CertificateAuthorities authorities, Templates templates, Clock clock) {
        this.authorities = authorities;
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
            rows.add(row(ca, names));
        }
        Instant now = clock.instant();
        // End-entity certificates only: a CA's own certificate is on the CAs list, not counted here.
        Set<String> caProfiles = caProfiles();
        long total = count(null, caProfiles, now);
        long valid = count("valid", caProfiles, now);
        long expired = count("expired", caProfiles, now);
        long revoked = count("revoked", caProfiles, now);

        List<CertificateRow> expiring = new ArrayList<>();
        for (IssuedCertificate c : authorities.search(Searches.query(null, null, null, "valid", now.plus(EXPIRING), null,
                caProfiles, CertificateQuery.Order.EXPIRY, now, 0, 200)).items()) {
            if (c.notAfter().isAfter(now)) {
                expiring.add(CertificateRow.of(c, names));
            }
        }
        boolean more = expiring.size() > RECENT;
        return new Model(rows, total, valid, expired, revoked, recent(names),
                expiring.subList(0, Math.min(RECENT, expiring.size())), more);
    }

    /** The newest end-entity certificates (CA certificates are on the CAs list). */
    private List<CertificateRow> recent(Map<String, String> names) {
        return authorities.search(new CertificateQuery(null, null, null, null, null, null, null, caProfiles(),
                CertificateQuery.Order.NEWEST, 0, RECENT)).items().stream().map(c -> CertificateRow.of(c, names)).toList();
    }

    private long count(String status, Set<String> excluded, Instant now) {
        return authorities.search(Searches.query(null, null, null, status, null, null, excluded, CertificateQuery.Order.EXPIRY,
                now, 0, 1)).total();
    }

    /** Profiles under which CA certificates are recorded: the CA profiles, and the roots' own. */
    private Set<String> caProfiles() {
        Set<String> out = new HashSet<>(Set.of("root-ca"));
        authorities.profiles().stream().filter(p -> p.ca()).forEach(p -> out.add(p.name()));
        return out;
    }

    static CaRow row(CaInfo ca, Map<String, String> names) {
        return new CaRow(ca.id(), ca.name(), ca.subject(), ca.status(), ca.keyAlgorithm(), ca.keyBackend(),
                Format.time(ca.notAfter()), ca.parentId() == null ? "" : names.getOrDefault(ca.parentId(), ca.parentId()));
    }

    static Map<String, String> caNames(List<CaInfo> cas) {
        Map<String, String> names = new LinkedHashMap<>();
        for (CaInfo ca : cas) {
            names.put(ca.id(), ca.name());
        }
        return names;
    }
}
