package dev.signet.ca.store;

import org.jooq.SQLDialect;

/**
 * The few things that differ between the two databases: how jOOQ renders, where each keeps its
 * migration scripts, and how writers from several processes are put in one order.
 */
enum Dialect {
    /** One file, one writer: the writer connection begins IMMEDIATE transactions, which lock the file. */
    SQLITE(SQLDialect.SQLITE, "classpath:db/migration", null),
    /**
     * Several nodes write at once, so each write transaction first takes one transaction-scoped
     * advisory lock: audit appends (read the head, link, insert) then never interleave, and the
     * chain cannot fork. Taken once per group-commit batch, so its cost is shared by the batch.
     */
    POSTGRES(SQLDialect.POSTGRES, "classpath:db/postgresql", "SELECT pg_advisory_xact_lock(" + Dialect.WRITER_LOCK + ")");

    /** The advisory lock key of Signet's writers (an arbitrary constant: "signet" in ASCII). */
    static final long WRITER_LOCK = 0x7369676e6574L;

    private final SQLDialect jooq;
    private final String migrations;
    private final String writerLock;

    Dialect(SQLDialect jooq, String migrations, String writerLock) {
        this.jooq = jooq;
        this.migrations = migrations;
        this.writerLock = writerLock;
    }

    SQLDialect jooq() {
        return jooq;
    }

    /** The Flyway location of this database's scripts. */
    String migrations() {
        return migrations;
    }

    /** The statement that serialises write transactions across processes, or null where the database does. */
    String writerLock() {
        return writerLock;
    }
}
