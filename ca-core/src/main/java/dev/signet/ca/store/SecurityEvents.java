package dev.signet.ca.store;

import dev.signet.ca.AuditEvent;

/**
 * Audit entries for events that change no stored data but belong in the chain: refused requests,
 * logins. (State changes write their own entry in their own transaction, in the other stores.)
 */
public final class SecurityEvents {

    private final Database db;

    public SecurityEvents(Database db) {
        this.db = db;
    }

    /** Appends the event to the audit chain and returns after it is committed. */
    public void record(AuditEvent event) {
        Checks.notNull(event, "audit event");
        db.write(w -> {
            w.audit(event);
            return null;
        });
    }
}
