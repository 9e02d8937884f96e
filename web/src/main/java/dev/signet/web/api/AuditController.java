package dev.signet.web.api;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.ExpectedCheckpoint;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.AuditQuery;
import dev.signet.ca.Page;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.Paging;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/audit}: the audit chain, newest first, and its verification. */
public final class AuditController {

    private final AuditTrail log;

    public AuditController(AuditTrail log) {
        this.log = log;
    }

    public void list(Context ctx) {
        Paging paging = Paging.from(ctx);
        Page<AuditEntry> page = log.list(new AuditQuery(filter(ctx, "actor"), filter(ctx, "action"),
                filter(ctx, "objectType"), filter(ctx, "objectId"), paging.offset(), paging.limit()));
        Json.write(ctx, 200, new Views.PageView<>(page.items().stream().map(Views.AuditEntryView::of).toList(),
                page.offset(), page.limit(), page.total()));
    }

    /** An exact-match filter from the query string; absent or blank means none. */
    private static String filter(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** {@code ?expect=SEQ:HEAD} (repeatable): checkpoints kept elsewhere that the chain must contain. */
    public void verify(Context ctx) {
        List<ExpectedCheckpoint> expected = new ArrayList<>();
        for (String e : ctx.queryParams("expect")) {
            try {
                expected.add(ExpectedCheckpoint.parse(e));
            } catch (IllegalArgumentException bad) {
                throw ApiException.badRequest("expect: " + bad.getMessage());
            }
        }
        Json.write(ctx, 200, report(expected.isEmpty() ? log.verify() : log.verify(expected)));
    }

    static Map<String, Object> report(AuditVerification v) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("intact", v.intact());
        r.put("entriesChecked", v.entriesChecked());
        r.put("checkpointsChecked", v.checkpointsChecked());
        r.put("lastCheckpointSeq", v.lastCheckpointSeq());
        if (v.firstBreak() != null) {
            r.put("firstBreak", Map.of("seq", v.firstBreak().seq(), "reason", v.firstBreak().reason()));
        }
        return r;
    }
}
