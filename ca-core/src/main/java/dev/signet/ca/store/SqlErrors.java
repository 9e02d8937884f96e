package dev.signet.ca.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * What a failed statement means, from the SQLSTATE (PostgreSQL: 23505 unique, 23503 foreign key,
 * 40001/40P01 retry, class 08 connection) or SQLite's extended result code, never from message
 * text, which differs between drivers, versions and languages.
 */
enum SqlErrors {
    UNIQUE_VIOLATION,
    FOREIGN_KEY_VIOLATION,
    /** A serialization failure or deadlock: the transaction may succeed if run again. */
    RETRY,
    /** The connection to the database is gone (or the database is shutting down). */
    CONNECTION,
    OTHER;

    static SqlErrors of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
                return CONNECTION; // also the pool's "no connection within the timeout"
            }
            if (t instanceof SQLiteException s) {
                return ofSqlite(s.getResultCode());
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return ofSqlState(s.getSQLState());
            }
        }
        return OTHER;
    }

    static boolean is(Throwable failure, SqlErrors kind) {
        return of(failure) == kind;
    }

    static SqlErrors ofSqlState(String state) {
        return switch (state) {
            case "23505" -> UNIQUE_VIOLATION;
            case "23503" -> FOREIGN_KEY_VIOLATION;
            case "40001", "40P01" -> RETRY;
            // 57P01..03: the server is shutting down or starting up; the connection will not last.
            case "57P01", "57P02", "57P03" -> CONNECTION;
            default -> state.startsWith("08") ? CONNECTION : OTHER;
        };
    }

    private static SqlErrors ofSqlite(SQLiteErrorCode code) {
        if (code == null) {
            return OTHER;
        }
        return switch (code) {
            case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY -> UNIQUE_VIOLATION;
            case SQLITE_CONSTRAINT_FOREIGNKEY -> FOREIGN_KEY_VIOLATION;
            case SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, SQLITE_LOCKED -> RETRY;
            default -> OTHER;
        };
    }
}
