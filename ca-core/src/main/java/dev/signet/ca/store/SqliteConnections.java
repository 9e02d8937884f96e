package dev.signet.ca.store;

import dev.signet.ca.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite file's connections: each opened in WAL mode with foreign keys on, a busy timeout and
 * durable commits ({@code synchronous=FULL}); a fixed set of read connections, which WAL lets run
 * beside the writer.
 */
final class SqliteConnections implements Connections {

    private final Path file;
    private final StoreSettings settings;
    private final List<Connection> readConnections = new ArrayList<>();
    private final BlockingQueue<DSLContext> readers;

    SqliteConnections(Path file, StoreSettings settings) throws SQLException {
        this.file = file;
        this.settings = settings;
        this.readers = new ArrayBlockingQueue<>(settings.readConnections());
        try {
            for (int i = 0; i < settings.readConnections(); i++) {
                Connection c = config(false).createConnection(url());
                readConnections.add(c);
                readers.add(DSL.using(c, Dialect.SQLITE.jooq(), Connections.jooqSettings()));
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public Connection openWriter() throws SQLException {
        return config(true).createConnection(url());
    }

    @Override
    public DataSource migrations() {
        SQLiteDataSource source = new SQLiteDataSource(config(true));
        source.setUrl(url());
        return source;
    }

    @Override
    public <T> T onReader(Function<DSLContext, T> work) {
        DSLContext dsl;
        try {
            dsl = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection");
        }
        try {
            return work.apply(dsl);
        } finally {
            readers.add(dsl);
        }
    }

    @Override
    public void close() {
        for (Connection c : readConnections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing; nothing left to do with it
            }
        }
    }

    private String url() {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private SQLiteConfig config(boolean writer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, settings.busyTimeout().toMillis()));
        // No table has a generated key, and with this on the driver matches every INSERT's SQL against
        // a regex and runs "SELECT last_insert_rowid()" as a statement of its own after it: a
        // prepare, step and finalize per row, a noticeable share of the writer's CPU per token.
        config.setGetGeneratedKeys(false);
        if (writer) {
            // Take the write lock when the transaction begins, so reading the audit chain head and
            // appending to it cannot interleave with another process's writer.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return config;
    }
}
