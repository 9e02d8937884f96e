package dev.signet.ca.store;

import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.StoreException;
import dev.signet.ca.audit.AuditCheckpoint;
import dev.signet.ca.audit.AuditSigner;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit. One writer thread owns the write connection; callers enqueue writes and wait on a
 * future. The thread takes whatever is queued (up to {@code maxBatch}), runs each write in its own
 * savepoint inside one transaction, commits once (one fsync for the whole batch), and only then
 * completes the futures. A write that throws rolls back to its savepoint and fails only its own
 * caller; the rest of the batch commits. If the commit itself fails, every write in the batch
 * fails and nothing of it is stored.
 *
 * <p>With an audit signer, the thread also signs checkpoints: every {@code checkpointInterval}
 * entries, and at the latest {@code checkpointMaxDelay} after an entry was written, even if no
 * other write comes. Each committed checkpoint is logged (sequence and head hash), so that a copy
 * of the log kept elsewhere can show a later truncation of the chain.
 */
final class WriteQueue implements AutoCloseable {

    /** A unit of work run inside the batch transaction. */
    @FunctionalInterface
    interface Write<T> {
        T run(WriteContext w);
    }

    private record Pending<T>(Write<T> write, CompletableFuture<T> done) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            done.complete((T) value);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);
    private static final Pending<Void> STOP = new Pending<>(w -> null, new CompletableFuture<>());

    private final WriterConnection writer;
    private final int maxBatch;
    private final AuditSigner signer;
    private final int checkpointInterval;
    private final long checkpointMaxDelayNanos;
    private final Clock clock;
    /** The checkpoints signed in the batch now running, logged once that batch commits. */
    private final List<AuditCheckpoint> signedInBatch = new ArrayList<>();
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

    WriteQueue(WriterConnection writer, StoreSettings settings) {
        this.writer = writer;
        this.maxBatch = settings.maxBatch();
        this.signer = settings.auditSigner();
        this.checkpointInterval = settings.checkpointInterval();
        this.checkpointMaxDelayNanos = settings.checkpointMaxDelay().toNanos();
        this.clock = settings.clock();
        this.thread = new Thread(this::loop, "signet-store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether writes are accepted and the thread that runs them is alive. */
    boolean isRunning() {
        return !closed && thread.isAlive();
    }

    /** Whether the calling thread is the writer thread (which must never wait for a write). */
    boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    <T> CompletableFuture<T> submit(Write<T> write) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreException("the store is closed"));
            return done;
        }
        queue.add(new Pending<>(write, done));
        return done;
    }

    /** Signs a checkpoint at the chain head now, if there are entries it does not cover yet. */
    CompletableFuture<Long> checkpointNow() {
        if (signer == null) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            f.completeExceptionally(new StoreException("no audit key is configured"));
            return f;
        }
        return submit(this::checkpointUncovered);
    }

    private Pending<Long> timedCheckpoint() {
        CompletableFuture<Long> done = new CompletableFuture<>();
        done.whenComplete((seq, failure) -> {
            if (failure != null) {
                LOG.warn("timed audit checkpoint failed: {}", failure.toString());
            }
        });
        return new Pending<>(this::checkpointUncovered, done);
    }

    private long checkpointUncovered(WriteContext w) {
        if (w.audit().uncheckpointed() > 0) {
            checkpoint(w.tx(), w.audit(), w.now());
        }
        return w.audit().headSeq();
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(Math.min(maxBatch, 4096));
        boolean stopping = false;
        long checkpointDue = 0; // System.nanoTime() by which unsigned entries get a checkpoint; 0: none waiting
        while (!stopping) {
            Pending<?> first;
            try {
                first = checkpointDue == 0 ? queue.take()
                        : queue.poll(Math.max(0, checkpointDue - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (first != null) {
                batch.add(first);
            }
            queue.drainTo(batch, maxBatch - 1);
            if (checkpointDue != 0 && System.nanoTime() - checkpointDue >= 0) {
                // Due, whether the queue stayed quiet or never did: sign one at the end of this
                // batch (and if that fails, retry after another delay rather than at once).
                checkpointDue = 0;
                batch.add(timedCheckpoint());
            }
            if (batch.remove(STOP)) {
                stopping = true;
                queue.drainTo(batch); // nothing can be added after STOP, but take any stragglers
            }
            if (!batch.isEmpty()) {
                long unsigned = runBatch(batch);
                if (signer == null || unsigned == 0) {
                    checkpointDue = 0;
                } else if (checkpointDue == 0 && unsigned > 0) {
                    checkpointDue = System.nanoTime() + checkpointMaxDelayNanos;
                }
            }
            batch.clear();
        }
    }

    /**
     * Runs and commits one batch; returns how many audit entries no checkpoint covers after it, or
     * -1 if the batch failed (and so changed nothing).
     */
    private long runBatch(List<Pending<?>> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryBatch(batch);
            } catch (RetryableBatchFailure e) {
                if (attempt == MAX_ATTEMPTS) {
                    return failBatch(batch, e.getCause(), false);
                }
                LOG.info("write batch of {} hit a serialization failure or deadlock; running it again", batch.size());
            }
        }
    }

    /** A whole batch runs again after a serialization failure or a deadlock (SQLSTATE 40001, 40P01). */
    private static final int MAX_ATTEMPTS = 3;

    private static final class RetryableBatchFailure extends RuntimeException {
        RetryableBatchFailure(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Fails every write of the batch. {@code inCommit}: every write had run and the commit was under
     * way, so a lost connection leaves it open whether the database committed.
     */
    private long failBatch(List<Pending<?>> batch, Throwable commitFailure, boolean inCommit) {
        StoreException failure;
        if (SqlErrors.is(commitFailure, SqlErrors.CONNECTION)) {
            failure = inCommit
                    ? new DatabaseUnavailableException("the database is unavailable; the write was not confirmed and may "
                            + "have been stored", commitFailure, true)
                    : new DatabaseUnavailableException("the database is unavailable; nothing was stored, try again shortly",
                            commitFailure);
        } else {
            failure = new StoreException("the write transaction failed; nothing of it was stored", commitFailure);
        }
        for (Pending<?> p : batch) {
            p.done().completeExceptionally(failure);
        }
        return -1;
    }

    private long tryBatch(List<Pending<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        long[] unsigned = {0};
        boolean[] inCommit = {false};
        signedInBatch.clear();
        try {
            writer.open();
            HotStatements hot = writer.hot();
            writer.dsl().transaction(outer -> {
                DSLContext tx = DSL.using(outer);
                hot.lockWriters();
                Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                AuditAppender audit = AuditAppender.resume(hot);
                WriteContext context = new WriteContext(tx, hot, audit, now);
                for (int i = 0; i < batch.size(); i++) {
                    Pending<?> p = batch.get(i);
                    AuditAppender.Mark mark = audit.mark();
                    // A savepoint per write: a failure rolls back this write only. Plain prepared
                    // statements, because a nested jOOQ transaction per write cost more CPU than the write.
                    hot.savepoint.execute();
                    try {
                        results[i] = p.write().run(context);
                    } catch (RuntimeException | Error e) {
                        hot.rollbackToSavepoint.execute();
                        audit.reset(mark);
                        failures[i] = e;
                    }
                    hot.releaseSavepoint.execute();
                    // After the write, not only at the end of the batch: verification relies on a
                    // checkpoint at least every interval entries (give or take one write's entries).
                    if (signer != null && audit.uncheckpointed() >= checkpointInterval) {
                        try {
                            tx.transaction(inner -> checkpoint(DSL.using(inner), audit, now));
                        } catch (RuntimeException e) {
                            // The batch's records matter more than a checkpoint; the next write retries it.
                            LOG.warn("audit checkpoint at entry {} failed: {}", audit.headSeq(), e.toString());
                        }
                    }
                }
                unsigned[0] = audit.uncheckpointed();
                inCommit[0] = true; // jOOQ commits once this returns
            });
        } catch (java.sql.SQLException | RuntimeException | Error commitFailure) {
            // The writer goes on: a lost connection is reopened by the next batch.
            writer.afterFailure(commitFailure);
            if (SqlErrors.is(commitFailure, SqlErrors.RETRY)) {
                throw new RetryableBatchFailure(commitFailure);
            }
            return failBatch(batch, commitFailure, inCommit[0]);
        }
        commits.incrementAndGet();
        for (AuditCheckpoint cp : signedInBatch) {
            LOG.info("audit checkpoint: entries 1-{} signed by key {}, head {}", cp.seq(),
                    cp.keyLabel(), HexFormat.of().formatHex(cp.hash()));
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failures[i] != null) {
                batch.get(i).done().completeExceptionally(failures[i]);
            } else {
                batch.get(i).complete(results[i]);
            }
        }
        return unsigned[0];
    }

    /** How many batch transactions have committed (for tests and the benchmark). */
    long commits() {
        return commits.get();
    }

    private void checkpoint(DSLContext tx, AuditAppender audit, Instant now) {
        AuditCheckpoint cp = signer.sign(audit.headSeq(), audit.headHash(), now);
        audit.insertCheckpoint(tx, cp);
        signedInBatch.add(cp);
    }

    /** Finishes every write queued so far, signs a final checkpoint if a signer is set, and stops the thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Long> last = signer != null ? checkpointNow() : null;
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        List<Pending<?>> late = new ArrayList<>();
        queue.drainTo(late);
        for (Pending<?> p : late) {
            p.done().completeExceptionally(new StoreException("the store is closed"));
        }
        if (last != null && last.isCompletedExceptionally()) {
            LOG.warn("final audit checkpoint failed");
        }
    }
}
