package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;
import static org.jooq.impl.DSL.max;

import dev.signet.ca.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;

/**
 * A consistent copy of the database, taken by SQLite itself ({@code VACUUM INTO}) while the writer
 * of this or another process goes on. A file copy of a live WAL database could pair a main file
 * with a log from another moment; the copy SQLite writes is one read transaction's snapshot, in a
 * single file (rollback journal mode, no {@code -wal} beside it).
 *
 * @param file         the snapshot
 * @param auditHeadSeq the seq of the last audit entry in the snapshot (0 for an empty chain)
 */
public record DatabaseSnapshot(Path file, long auditHeadSeq) {

    /** Writes the snapshot of {@code db} to {@code target}, which must not exist. */
    public static DatabaseSnapshot take(Database db, Path target) {
        Path file = target.toAbsolutePath();
        if (Files.exists(file)) {
            throw new StoreException("cannot snapshot the database into " + file + ": the file exists");
        }
        // Outside any transaction: SQLite refuses VACUUM within one, and VACUUM INTO opens its own read.
        db.readOne(dsl -> dsl.execute("VACUUM INTO ?", file.toString()));
        return new DatabaseSnapshot(file, auditHeadSeq(file));
    }

    /** The seq of the last audit entry in a database file, read without changing the file. */
    public static long auditHeadSeq(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            Long head = DSL.using(c, SQLDialect.SQLITE).select(max(AUDIT_ENTRY.SEQ)).from(AUDIT_ENTRY).fetchOne(0, Long.class);
            return head == null ? 0 : head;
        } catch (SQLException | org.jooq.exception.DataAccessException e) {
            throw new StoreException("cannot read the audit chain head of " + file + ": " + e.getMessage(), e);
        }
    }
}
