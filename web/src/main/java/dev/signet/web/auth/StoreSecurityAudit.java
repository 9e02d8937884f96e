package dev.signet.web.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.web.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refusals into the audit chain: of an authenticated caller, one {@code request.refused} entry on
 * the requested path each; without a credential, counted by {@link AnonymousRefusals}.
 */
public final class StoreSecurityAudit implements SecurityAudit {

    private final AuditTrail events;
    private final AnonymousRefusals anonymous;

    public StoreSecurityAudit(AuditTrail events, AnonymousRefusals anonymous) {
        this.events = events;
        this.anonymous = anonymous;
    }

    @Override
    public void refusedAnonymously(String client, String method, String path, int status, String reason) {
        anonymous.count(client, method, bounded(path), status);
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
