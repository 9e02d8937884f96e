package dev.signet.web.ui;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.AuditQuery;
import dev.signet.ca.Page;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/audit}: the audit chain, newest first, with paging and prefix filters on actor and
 * action ({@code login} finds {@code login.success}), under the result of verifying it.
 */
public final class AuditController {

    static final int PAGE_SIZE = 50;

    /**
     * One row of the log. {@code details} is the entry's JSON written out as "name: value" pairs;
     * {@code link} leads to the object's page where there is one; {@code alsoSeq} is the entry that
     * reserved the serial of an issuance shown in this row (its own row is folded into this one).
     */
    public record EntryRow(long seq, String at, String actor, String action, String object, String details, String link,
                           Long alsoSeq) {}

    /** {@code filterQuery} is the filters as a URL query suffix ({@code &actor=...}), for the pager's links. */
    public record Model(List<EntryRow> entries, long total, int page, int pages, AuditVerification verification,
                        String actor, String action, String filterQuery) {}

    private static final int MAX_FILTER_LENGTH = 200;

    private final AuditTrail log;
    private final Templates templates;

    AuditController(AuditTrail log, Templates templates) {
        this.log = log;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        int page = PageNumber.from(ctx, 10_000_000);
        AuditVerification verification = log.verify();
        String actor = filter(ctx, "actor");
        String action = filter(ctx, "action");
        Page<AuditEntry> entries = log.list(new AuditQuery(actor, action, null, null, (page - 1) * PAGE_SIZE, PAGE_SIZE));
        int pages = (int) Math.max(1, (entries.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        List<EntryRow> rows = rows(entries.items());
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Audit log", "audit", viewer));
        String filterQuery = (actor == null ? "" : "&actor=" + URLEncoder.encode(actor, StandardCharsets.UTF_8))
                + (action == null ? "" : "&action=" + URLEncoder.encode(action, StandardCharsets.UTF_8));
        params.put("model", new Model(rows, entries.total(), page, pages, verification,
                actor == null ? "" : actor, action == null ? "" : action, filterQuery));
        templates.render(ctx, 200, "audit.jte", params);
    }

    /**
     * The page's entries as rows, newest first. Issuing writes two entries (the serial reserved
     * before signing, then the certificate stored); where both are on this page they show as one
     * row, the issuance, naming the reservation's entry. A reservation without its issuance (the
     * signature failed) keeps its own row.
     */
    static List<EntryRow> rows(List<AuditEntry> entries) {
        Map<String, Long> reservations = new HashMap<>();
        Set<String> issued = new HashSet<>();
        for (AuditEntry e : entries) {
            if ("certificate.issue".equals(e.action())) {
                issued.add(e.objectId());
            }
        }
        for (AuditEntry e : entries) {
            if ("certificate.reserve".equals(e.action()) && issued.contains(e.objectId())) {
                reservations.put(e.objectId(), e.seq());
            }
        }
        List<EntryRow> rows = new ArrayList<>();
        for (AuditEntry e : entries) {
            if ("certificate.reserve".equals(e.action()) && reservations.containsKey(e.objectId())) {
                continue;
            }
            String link = null;
            if ("certificate".equals(e.objectType()) && e.objectId().contains("/")) {
                link = "/ui/certificates/" + e.objectId();
            } else if ("ca".equals(e.objectType())) {
                link = "/ui/cas/" + e.objectId();
            }
            rows.add(new EntryRow(e.seq(), Format.seconds(e.at()), e.actor(), e.action(), e.objectType() + " " + e.objectId(),
                    readable(e.details()), link,
                    "certificate.issue".equals(e.action()) ? reservations.get(e.objectId()) : null));
        }
        return rows;
    }

    /** {"subject":"CN=a","sans":["DNS:a"]} as "subject: CN=a; sans: DNS:a"; what does not parse is shown as it is. */
    static String readable(String json) {
        if (json == null || json.isBlank() || "{}".equals(json.strip())) {
            return "";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            if (!node.isObject()) {
                return json;
            }
            List<String> parts = new ArrayList<>();
            node.fields().forEachRemaining(f -> parts.add(f.getKey() + ": " + text(f.getValue())));
            return String.join("; ", parts);
        } catch (java.io.IOException e) {
            return json;
        }
    }

    private static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(i -> items.add(text(i)));
            return items.isEmpty() ? "none" : String.join(", ", items);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + text(f.getValue())));
            return String.join(", ", parts);
        }
        return v.isNull() ? "none" : v.asText();
    }

    /** A filter from the query string: absent or blank is none; an absurd length is cut, not an error. */
    private static String filter(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        return v.length() > MAX_FILTER_LENGTH ? v.substring(0, MAX_FILTER_LENGTH) : v;
    }
}
