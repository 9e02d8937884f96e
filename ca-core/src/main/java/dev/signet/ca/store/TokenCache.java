package dev.signet.ca.store;

import dev.signet.ca.ApiToken;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Recently found API tokens by hash, so that an API request does not cost a database read. Only
 * tokens that exist are held (a flood of made-up tokens cannot fill it), each for at most
 * {@link #TTL}. A revocation through the same {@link AccessStore} empties the cache at once; one
 * made elsewhere (the command line, another node) takes effect within the TTL.
 */
final class TokenCache {

    static final Duration TTL = Duration.ofSeconds(2);

    /** More live tokens than this is unusual; past it the cache starts again rather than grow. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(ApiToken token, long loadedNanos) {}

    private final ConcurrentMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    /**
     * Bumped by every {@link #clear}. A lookup notes it before reading the database and caches its
     * result only if no revocation cleared the cache meanwhile: otherwise a row read just before a
     * revocation committed could be cached just after the clear, and outlive it.
     */
    private final AtomicLong generation = new AtomicLong();

    TokenCache(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    Optional<ApiToken> get(String hash) {
        Entry e = byHash.get(hash);
        if (e == null || nanoTime.getAsLong() - e.loadedNanos() >= TTL.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(e.token());
    }

    /** The generation to pass to {@link #put}, read before the database is. */
    long generation() {
        return generation.get();
    }

    void put(String hash, ApiToken token, long readInGeneration) {
        if (byHash.size() >= MAX_ENTRIES) {
            byHash.clear();
        }
        byHash.put(hash, new Entry(token, nanoTime.getAsLong()));
        if (generation.get() != readInGeneration) {
            // A clear ran while this row was read: it may predate a revocation.
            byHash.remove(hash);
        }
    }

    void clear() {
        generation.incrementAndGet();
        byHash.clear();
    }
}
