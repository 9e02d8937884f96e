package dev.signet.web.ui;

import dev.signet.ca.audit.AuditEntry;
import dev.signet.ca.audit.AuditVerification;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.Page;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code /ui/audit}: the audit chain, newest first, with paging, under the result of verifying it. */
public final class AuditController {

    static final int PAGE_SIZE = 50;

    public record EntryRow(long seq, String at, String actor, String action, String object, String details) {}

    public record Model(List<EntryRow> entries, long total, int page, int pages, AuditVerification verification) {}

    private final AuditLog log;
    private final Templates templates;

    AuditController(AuditLog log, Templates templates) {
        this.log = log;
        this.templates = templates;
    }

    void show(Context ctx, Viewer viewer) {
        int page = PageNumber.from(ctx, 10_000_000);
        AuditVerification verification = log.verify();
        Page<AuditEntry> entries = log.list((page - 1) * PAGE_SIZE, PAGE_SIZE);
        int pages = (int) Math.max(1, (entries.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        List<EntryRow> rows = entries.items().stream().map(e -> new EntryRow(e.seq(), Format.seconds(e.at()), e.actor(),
                e.action(), e.objectType() + " " + e.objectId(), "{}".equals(e.details()) ? "" : e.details())).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Audit log", "audit", viewer));
        params.put("model", new Model(rows, entries.total(), page, pages, verification));
        templates.render(ctx, 200, "audit.jte", params);
    }
}
