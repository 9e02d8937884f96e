package dev.signet.web.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.signet.ca.store.AuditEvent;
import dev.signet.ca.store.SecurityEvents;
import dev.signet.web.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** Refusals into the audit chain, as {@code request.refused} entries on the requested path. */
public final class StoreSecurityAudit implements SecurityAudit {

    private final SecurityEvents events;

    public StoreSecurityAudit(SecurityEvents events) {
        this.events = events;
    }

    @Override
    public void refused(String actor, String method, String path, int status, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", method);
        details.put("status", status);
        details.put("reason", reason);
        try {
            events.record(new AuditEvent(actor, "request.refused", "http-route", bounded(path), Json.MAPPER.writeValueAsString(details)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paths come from the client: keep the entry small whatever was sent. */
    private static String bounded(String path) {
        String p = path == null || path.isBlank() ? "/" : path;
        return p.length() <= 200 ? p : p.substring(0, 200) + "...";
    }
}
