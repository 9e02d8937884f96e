package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import static dev.signet.ca.store.schema.Tables.AUDIT_CHECKPOINT;
import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;

import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.StoreException;
import dev.signet.ca.audit.AuditSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The database behind the stores: the SQLite file of one process, or a PostgreSQL database that
 * several nodes share ({@link DatabaseConfig}); the versioned migrations are applied on open.
 * All writes of this process go through one writer thread with group commit ({@link WriteQueue});
 * reads use connections of their own, which run beside the writer. Only the store classes of
 * this package touch it.
 */
public final class Database implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);

    static {
        // jOOQ prints a banner and tips on first use; they have no place in a CA's logs.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private final DatabaseConfig config;
    private final StoreSettings settings;
    private final Connections connections;
    private final WriteQueue writes;
    /** A read-only node's database (a responder): no migration, no writer connection, every write refused. */
    private final boolean readOnly;

    private Database(DatabaseConfig config, StoreSettings settings, boolean readOnly) throws SQLException {
        this.config = config;
        this.settings = settings;
        this.readOnly = readOnly;
        this.connections = Connections.open(config, settings);
        WriterConnection writer = new WriterConnection(connections);
        try {
            if (readOnly) {
                Migrations.check(connections.migrations(), connections.dialect());
            } else {
                Migrations.apply(connections.migrations(), connections.dialect());
                writer.open(); // fail the start, not the first write, if the database cannot be written
            }
        } catch (SQLException | RuntimeException e) {
            writer.close();
            connections.close();
            throw e;
        }
        if (settings.auditSigner() != null) {
            warnIfHeadUnsigned();
        }
        this.writes = new WriteQueue(writer, settings);
    }

    /**
     * A server signs its last entry when it stops; if the head is unsigned at start, the last stop was
     * not clean, or someone removed the last checkpoint. The next checkpoint will cover those entries,
     * so say so now: compare with the last checkpoint logged before the stop.
     */
    private void warnIfHeadUnsigned() {
        long[] heads = read(dsl -> new long[] {
            dsl.select(org.jooq.impl.DSL.coalesce(org.jooq.impl.DSL.max(AUDIT_ENTRY.SEQ), 0L)).from(AUDIT_ENTRY).fetchOne(0, Long.class),
            dsl.select(org.jooq.impl.DSL.coalesce(org.jooq.impl.DSL.max(AUDIT_CHECKPOINT.SEQ), 0L)).from(AUDIT_CHECKPOINT).fetchOne(0, Long.class)});
        long head = heads[0];
        long signed = heads[1];
        if (head > signed) {
            LOG.warn("audit chain: entries {} to {} are not covered by a signed checkpoint: the last stop was not clean, "
                    + "entries were written without the audit key, or a checkpoint was removed. The next checkpoint will "
                    + "cover them; compare the chain with the last checkpoint logged before this start", signed + 1, head);
        }
    }

    /** Opens (creating if needed) the database file with the default settings and no audit key. */
    public static Database open(Path file) {
        return open(file, StoreSettings.defaults());
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static Database open(Path file, StoreSettings settings) {
        return open(DatabaseConfig.sqlite(file), settings);
    }

    /** Opens the configured database (creating a SQLite file if needed) and brings its schema up to date. */
    public static Database open(DatabaseConfig config, StoreSettings settings) {
        if (config instanceof DatabaseConfig.Sqlite sqlite) {
            Path file = sqlite.file();
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    OwnerOnly.directory(parent);
                }
                OwnerOnly.databaseFiles(file);
            } catch (java.io.IOException e) {
                throw new StoreException("cannot create the directory for " + file, e);
            }
        }
        try {
            return new Database(config, settings, false);
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + config.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing database for a node that only reads (a responder, which may run with a
     * read-only database role): no migration (the schema must already be this program's), no audit
     * key, and every write refused before it reaches the database.
     */
    public static Database openReadOnly(DatabaseConfig config) {
        if (config instanceof DatabaseConfig.Sqlite sqlite && !Files.isRegularFile(sqlite.file())) {
            throw new StoreException("no Signet database at " + sqlite.file() + ": a read-only node needs one that a full node made");
        }
        try {
            return new Database(config, StoreSettings.defaults(), true);
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + config.describe() + " read-only: " + e.getMessage(), e);
        }
    }

    /** Whether this node only reads (see {@link #openReadOnly}). */
    public boolean readOnly() {
        return readOnly;
    }

    /** The SQLite file; for a PostgreSQL database there is none. */
    public Path file() {
        if (config instanceof DatabaseConfig.Sqlite sqlite) {
            return sqlite.file();
        }
        throw new IllegalStateException("a PostgreSQL database has no file");
    }

    public DatabaseConfig config() {
        return config;
    }

    /** Whether this is a database that several Signet processes may share (PostgreSQL). */
    public boolean shared() {
        return config instanceof DatabaseConfig.Postgres;
    }

    StoreSettings settings() {
        return settings;
    }

    /** The audit signer from the settings, or null. */
    AuditSigner auditSigner() {
        return settings.auditSigner();
    }

    /** Queues a write for the next group commit; the future completes after the commit. */
    <T> CompletableFuture<T> submit(WriteQueue.Write<T> write) {
        if (readOnly) {
            return CompletableFuture.failedFuture(readOnlyRefusal());
        }
        return writes.submit(write);
    }

    private static StoreException readOnlyRefusal() {
        return new StoreException("this node has read-only access to the database (a responder): it changes nothing");
    }

    /** Runs a write and waits for its commit, rethrowing its failure as it was thrown. */
    <T> T write(WriteQueue.Write<T> write) {
        if (readOnly) {
            throw readOnlyRefusal();
        }
        checkNotWriter();
        return await(writes.submit(write));
    }

    /**
     * Futures complete on the writer thread, so a dependent stage that waits for another write
     * there would wait for itself forever. Refuse it loudly instead.
     */
    void checkNotWriter() {
        if (writes.isWriterThread()) {
            throw new IllegalStateException("a blocking store call inside a store future's callback would deadlock; "
                    + "chain the async variant or continue on your own executor");
        }
    }

    /**
     * Checks that the store can serve: the writer is running and a read connection answers.
     * @throws StoreException if not
     */
    public void check() {
        if (!writes.isRunning()) {
            throw new StoreException("the store's writer is not running");
        }
        readOne(dsl -> dsl.selectOne().fetchOne());
    }

    /** How many write transactions have committed since this database was opened (for tests and benchmarks). */
    public long commitCount() {
        return writes.commits();
    }

    CompletableFuture<Long> checkpointNow() {
        return writes.checkpointNow();
    }

    /**
     * Runs a read on a pooled connection inside a read transaction, so that all its statements
     * (a count and a page, checkpoints and entries) see one snapshot while the writer goes on.
     */
    <T> T read(Function<DSLContext, T> query) {
        return onReader(dsl -> dsl.transactionResult(tx -> query.apply(org.jooq.impl.DSL.using(tx))));
    }

    /**
     * Runs a single-statement read on a pooled connection without a transaction around it: one
     * statement sees one snapshot anyway, and the BEGIN/COMMIT pair would double the cost of the
     * lookups made on every request (API token by hash).
     */
    <T> T readOne(Function<DSLContext, T> query) {
        return onReader(query);
    }

    /** Runs {@code work} on a read connection, which is always given back. */
    private <T> T onReader(Function<DSLContext, T> work) {
        try {
            return connections.onReader(work);
        } catch (org.jooq.exception.DataAccessException e) {
            if (SqlErrors.is(e, SqlErrors.CONNECTION)) {
                throw new DatabaseUnavailableException("the database is unavailable; try again shortly", e);
            }
            throw new StoreException("database read failed: " + e.getMessage(), e);
        }
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            if (cause instanceof org.jooq.exception.DataAccessException dae) {
                throw new StoreException("database write failed: " + dae.getMessage(), dae);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("database write failed", cause);
        }
    }

    /** Finishes queued writes (and signs a final audit checkpoint if an audit key is set), then closes. */
    @Override
    public void close() {
        writes.close();
        connections.close();
    }
}
