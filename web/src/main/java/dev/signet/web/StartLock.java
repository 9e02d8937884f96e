package dev.signet.web;

import dev.signet.web.config.SignetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Held from opening the HSM and the database to the end of the first start, so that two nodes
 * starting at once on an empty database make one audit key, one pair of demo CAs and one admin
 * token: the second waits, then finds them. On SQLite, an OS file lock beside the database file
 * (all processes on one SQLite file are on one machine), and a lock within this JVM for servers
 * started side by side in one process, which one file lock cannot tell apart. (A SQLite write
 * transaction would do across processes, but it would also block this process's own store writer
 * for the whole first start.)
 */
final class StartLock implements AutoCloseable {

    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private StartLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock of {@code config}'s database. */
    static StartLock acquire(SignetConfig config) {
        Path file = config.databaseFile().toAbsolutePath().normalize();
        Path lockFile = file.resolveSibling(file.getFileName() + ".start-lock");
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            dev.signet.ca.store.OwnerOnly.directory(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new StartLock(local, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock " + lockFile + " for the first start", io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        } finally {
            closeQuietly(channel);
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
