package dev.signet.ca;

import dev.signet.ca.store.Checks;

/**
 * Filters for reading the audit log; null fields do not restrict. {@code actor} and {@code action}
 * match prefixes ({@code login} finds {@code login.success} and {@code login.failure}); object type
 * and id match exactly. Results are newest first.
 */
public record AuditQuery(String actor, String action, String objectType, String objectId, int offset, int limit) {

    public static final int MAX_LIMIT = Page.MAX_LIMIT;

    public AuditQuery {
        Checks.page(offset, limit);
    }

    /** The history of one object, e.g. ("certificate", "root/1a2b"). */
    public static AuditQuery forObject(String objectType, String objectId, int limit) {
        return new AuditQuery(null, null, objectType, objectId, 0, limit);
    }
}
