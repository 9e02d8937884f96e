package dev.signet.ca.datakey;

import dev.signet.ca.DataKeys;
import dev.signet.ca.store.DataKeyUsage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Counts encrypts and decrypts per key and caller between two drains, so that the audit log gets
 * one entry per key, caller and interval instead of one per call. Counting takes a shared lock
 * (many threads at once); draining takes it exclusively, so no count falls between two intervals.
 */
public final class UsageCounter {

    private record Key(String keyName, String actor) {}

    private record Counts(LongAdder encrypts, LongAdder decrypts) {}

    private final Clock clock;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private Map<Key, Counts> counts = new ConcurrentHashMap<>();
    private Instant since;

    public UsageCounter(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    public void count(String keyName, String actor, DataKeys.Operation op) {
        count(keyName, actor, op, 1);
    }

    /** Counts {@code n} uses at once (the items of a batch that succeeded). */
    public void count(String keyName, String actor, DataKeys.Operation op, long n) {
        if (n == 0) {
            return;
        }
        lock.readLock().lock();
        try {
            Counts c = counts.computeIfAbsent(new Key(keyName, actor), k -> new Counts(new LongAdder(), new LongAdder()));
            (op == DataKeys.Operation.ENCRYPT ? c.encrypts() : c.decrypts()).add(n);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The counts since the last drain (ordered by key, then caller), and a fresh interval from now. */
    public List<DataKeyUsage> drain() {
        Map<Key, Counts> taken;
        Instant from;
        Instant to;
        lock.writeLock().lock();
        try {
            taken = counts;
            from = since;
            to = clock.instant();
            counts = new ConcurrentHashMap<>();
            since = to;
        } finally {
            lock.writeLock().unlock();
        }
        List<DataKeyUsage> out = new ArrayList<>();
        taken.forEach((k, c) -> out.add(new DataKeyUsage(k.keyName(), k.actor(), c.encrypts().sum(), c.decrypts().sum(), from, to)));
        out.sort(java.util.Comparator.comparing(DataKeyUsage::keyName).thenComparing(DataKeyUsage::actor));
        return out;
    }
}
