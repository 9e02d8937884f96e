package dev.signet.web.ui;

import dev.signet.ca.audit.AuditEntry;
import dev.signet.ca.audit.AuditVerification;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.AuditQuery;
import dev.signet.ca.store.Page;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/audit}: the audit chain, newest first, with paging and exact-match filters on actor and
 * action, under the result of verifying it.
 */
public final class AuditController {

    static final int PAGE_SIZE = 50;

    public record EntryRow(long seq, String at, String actor, String action, String object, String details) {}

    /** {@code filterQuery} is the filters as a URL query suffix ({@code &actor=...}), for the pager's links. */
    public record Model(List<EntryRow> entries, long total, int page, int pages, AuditVerification verification,
                        String actor, String action, String filterQuery) {}

    private static final int MAX_FILTER_LENGTH = 200;

    private final AuditLog log;
    private final Templates templates;

    AuditController(AuditLog log, Templates templates) {
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
        List<EntryRow> rows = entries.items().stream().map(e -> new EntryRow(e.seq(), Format.seconds(e.at()), e.actor(),
                e.action(), e.objectType() + " " + e.objectId(), "{}".equals(e.details()) ? "" : e.details())).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Audit log", "audit", viewer));
        String filterQuery = (actor == null ? "" : "&actor=" + URLEncoder.encode(actor, StandardCharsets.UTF_8))
                + (action == null ? "" : "&action=" + URLEncoder.encode(action, StandardCharsets.UTF_8));
        params.put("model", new Model(rows, entries.total(), page, pages, verification,
                actor == null ? "" : actor, action == null ? "" : action, filterQuery));
        templates.render(ctx, 200, "audit.jte", params);
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
