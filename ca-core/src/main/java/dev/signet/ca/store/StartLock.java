package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Held by a starting node from opening its HSM to the end of its first start, so that two nodes
 * starting at once on an empty database make one audit key, one pair of demo CAs and one admin
 * token: the second waits, then finds them. Taken before the database is opened (the audit key is
 * made first), so it does not go through the stores.
 *
 * <p>PostgreSQL: a session advisory lock on a connection of its own, released by closing it (or by
 * the server, if the node dies). SQLite: an OS file lock beside the database file (every process on
 * one SQLite file is on one machine), plus a lock within this JVM for servers started side by side
 * in one process, which one file lock cannot tell apart. A SQLite write transaction would do across
 * processes too, but it would block this process's own store writer for the whole first start.
 */
public final class StartLock implements AutoCloseable {

    /** The advisory lock key of a starting node: "signet" in ASCII, plus one (the writers use "signet"). */
    static final long ADVISORY_KEY = Dialect.WRITER_LOCK + 1;

    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final AutoCloseable release;

    private StartLock(AutoCloseable release) {
        this.release = release;
    }

    /** Waits for the start lock of {@code database}. */
    public static StartLock acquire(DatabaseConfig database) {
        if (database instanceof DatabaseConfig.Postgres pg) {
            return advisory(pg);
        }
        return file(((DatabaseConfig.Sqlite) database).file().toAbsolutePath().normalize());
    }

    private static StartLock advisory(DatabaseConfig.Postgres pg) {
        Connection c;
        try {
            c = PostgresConnections.single(pg);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to " + pg.describe() + " for the start lock: " + e.getMessage(), e);
        }
        try (Statement s = c.createStatement()) {
            // Asked again and again rather than waited for in one statement: the other node's first
            // start (key generation in the HSM) may outlast the socket timeout, which must still
            // bound every single answer of the server.
            while (!tryLock(s)) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot take the start lock on " + pg.describe() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(c);
            throw new StoreException("interrupted while waiting for the start lock on " + pg.describe(), e);
        }
        return new StartLock(c::close);
    }

    /** How often a node waiting for another's first start asks for the lock again. */
    private static final long POLL_MILLIS = 200;

    private static boolean tryLock(Statement s) throws SQLException {
        try (java.sql.ResultSet r = s.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_KEY + ")")) {
            return r.next() && r.getBoolean(1);
        }
    }

    private static StartLock file(Path database) {
        Path lockFile = database.resolveSibling(database.getFileName() + ".start-lock");
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            OwnerOnly.directory(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            FileChannel held = channel;
            return new StartLock(() -> {
                try {
                    lock.release();
                } finally {
                    held.close();
                    local.unlock();
                }
            });
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw new StoreException("cannot lock " + lockFile + " for the first start: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            release.close();
        } catch (Exception ignored) {
            // a lost connection or a closed file has released the lock already
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing more to release
            }
        }
    }
}
