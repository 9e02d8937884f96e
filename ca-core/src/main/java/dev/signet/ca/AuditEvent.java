package dev.signet.ca;

import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.Checks;
import java.util.Map;

/**
 * What a state change tells the audit log: who did what to which object. {@code detailsJson} is a
 * JSON object; the log stores it in canonical form (sorted keys, no whitespace) so that its hash is
 * reproducible. Never put secrets in it.
 */
public record AuditEvent(String actor, String action, String objectType, String objectId, String detailsJson) {

    public AuditEvent {
        Checks.notBlank(actor, "audit actor");
        Checks.notBlank(action, "audit action");
        Checks.notBlank(objectType, "audit object type");
        Checks.notBlank(objectId, "audit object id");
        if (detailsJson == null || detailsJson.isBlank()) {
            detailsJson = "{}";
        }
    }

    /** An event with {@code details} as its JSON object (canonical JSON: sorted keys, no whitespace). */
    public static AuditEvent of(String actor, String action, String objectType, String objectId, Map<String, ?> details) {
        return new AuditEvent(actor, action, objectType, objectId, CanonicalJson.write(details));
    }

    /** An event without details. */
    public static AuditEvent of(String actor, String action, String objectType, String objectId) {
        return new AuditEvent(actor, action, objectType, objectId, "{}");
    }
}
