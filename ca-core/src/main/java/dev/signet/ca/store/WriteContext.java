package dev.signet.ca.store;

import java.time.Instant;
import org.jooq.DSLContext;

/**
 * What one write sees inside the shared batch transaction: its own savepoint's context, the audit
 * chain, and the batch's time. Use only {@code tx} inside a write.
 */
record WriteContext(DSLContext tx, AuditAppender audit, Instant now) {

    long audit(AuditEvent event) {
        return audit.append(tx, event, now);
    }
}
