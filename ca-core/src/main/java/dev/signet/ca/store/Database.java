package dev.signet.ca.store;

import dev.signet.ca.audit.AuditSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database behind the stores: opened in WAL mode with foreign keys on, a busy timeout
 * and durable commits ({@code synchronous=FULL}); the versioned migrations are applied on open.
 * All writes go through one writer thread with group commit ({@link WriteQueue}); reads use a small
 * pool of their own connections, which WAL lets run beside the writer. Only the store classes of
 * this package touch it.
 */
public final class Database implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);

    static {
        // jOOQ prints a banner and tips on first use; they have no place in a CA's logs.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private final Path file;
    private final StoreSettings settings;
    private final Connection writeConnection;
    private final WriteQueue writes;
    private final HotStatements hot;
    private final List<Connection> readConnections = new ArrayList<>();
    private final BlockingQueue<DSLContext> readers;
    /** A responder node's database: every connection read-only, no migration, every write refused. */
    private final boolean readOnly;

    private Database(Path file, StoreSettings settings, boolean readOnly) throws SQLException {
        this.file = file;
        this.settings = settings;
        this.readOnly = readOnly;
        this.writeConnection = connect(file, settings, true, readOnly);
        try {
            if (readOnly) {
                Migrations.check(writeConnection);
            } else {
                Migrations.apply(writeConnection);
            }
            this.readers = new ArrayBlockingQueue<>(settings.readConnections());
            for (int i = 0; i < settings.readConnections(); i++) {
                Connection c = connect(file, settings, false, readOnly);
                readConnections.add(c);
                readers.add(DSL.using(c, SQLDialect.SQLITE, jooqSettings()));
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        if (settings.auditSigner() != null) {
            warnIfHeadUnsigned();
        }
        DSLContext writer = DSL.using(writeConnection, SQLDialect.SQLITE, jooqSettings());
        this.hot = new HotStatements(writeConnection, writer);
        this.writes = new WriteQueue(writer, hot, settings);
    }

    /**
     * A server signs its last entry when it stops; if the head is unsigned at start, the last stop was
     * not clean, or someone removed the last checkpoint. The next checkpoint will cover those entries,
     * so say so now: compare with the last checkpoint logged before the stop.
     */
    private void warnIfHeadUnsigned() throws SQLException {
        long head;
        long signed;
        try (java.sql.Statement st = writeConnection.createStatement()) {
            try (java.sql.ResultSet r = st.executeQuery("SELECT coalesce(max(seq), 0) FROM audit_entry")) {
                head = r.next() ? r.getLong(1) : 0;
            }
            try (java.sql.ResultSet r = st.executeQuery("SELECT coalesce(max(seq), 0) FROM audit_checkpoint")) {
                signed = r.next() ? r.getLong(1) : 0;
            }
        }
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
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                OwnerOnly.directory(parent);
            }
            OwnerOnly.databaseFiles(file);
            return new Database(file, settings, false);
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory for " + file, e);
        }
    }

    /**
     * Opens an existing database for a node that only reads (a responder): no migration (the schema
     * must already be this program's), no audit key, and every write refused before it reaches the
     * database.
     */
    public static Database openReadOnly(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("no Signet database at " + file + ": a read-only node needs one that a full node made");
        }
        try {
            return new Database(file, StoreSettings.defaults(), true);
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + file + " read-only: " + e.getMessage(), e);
        }
    }

    /** Whether this node only reads (see {@link #openReadOnly}). */
    public boolean readOnly() {
        return readOnly;
    }

    public Path file() {
        return file;
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

    /** Runs a write and waits for its commit, rethrowing its failure as it was thrown. */
    <T> T write(WriteQueue.Write<T> write) {
        if (readOnly) {
            throw readOnlyRefusal();
        }
        checkNotWriter();
        return await(writes.submit(write));
    }

    private static StoreException readOnlyRefusal() {
        return new StoreException("this node has read-only access to the database (a responder): it changes nothing");
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
        return onReader(dsl -> dsl.transactionResult(tx -> query.apply(DSL.using(tx))));
    }

    /**
     * Runs a single-statement read on a pooled connection without a transaction around it: one
     * statement sees one snapshot anyway, and the BEGIN/COMMIT pair would double the cost of the
     * lookups made on every request (API token by hash).
     */
    <T> T readOne(Function<DSLContext, T> query) {
        return onReader(query);
    }

    /** Borrows a read connection for {@code work} and always gives it back. */
    private <T> T onReader(Function<DSLContext, T> work) {
        DSLContext dsl;
        try {
            dsl = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection");
        }
        try {
            return work.apply(dsl);
        } catch (org.jooq.exception.DataAccessException e) {
            throw new StoreException("database read failed: " + e.getMessage(), e);
        } finally {
            readers.add(dsl);
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
        hot.close();
        closeQuietly();
    }

    private void closeQuietly() {
        for (Connection c : readConnections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing; nothing left to do with it
            }
        }
        try {
            writeConnection.close();
        } catch (SQLException ignored) {
            // closing; nothing left to do with it
        }
    }

    private static Settings jooqSettings() {
        return new Settings().withExecuteLogging(false).withRenderSchema(false);
    }

    private static Connection connect(Path file, StoreSettings settings, boolean writer, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, settings.busyTimeout().toMillis()));
        if (writer && !readOnly) {
            // Take the write lock when the transaction begins, so reading the audit chain head and
            // appending to it cannot interleave with another process's writer.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }
}
