package dev.signet.ca.store;

import dev.signet.ca.AuditEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.jooq.DSLContext;

/**
 * What one write sees inside the shared batch transaction: its own savepoint's context, the
 * prepared hot-path statements, the audit chain, and the batch's time. Use only these inside a write.
 */
record WriteContext(DSLContext tx, HotStatements hot, AuditAppender audit, Instant now) {

    long audit(AuditEvent event) {
        return audit.append(this, AuditEntryDraft.of(event));
    }

    /** Appends an entry drafted before the write was queued (the hot paths do, off the writer thread). */
    long audit(AuditEntryDraft entry) {
        return audit.append(this, entry);
    }

    /** Binds the arguments in order (null binds SQL NULL) and runs the statement; returns the row count. */
    int execute(PreparedStatement statement, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
        return statement.executeUpdate();
    }
}
