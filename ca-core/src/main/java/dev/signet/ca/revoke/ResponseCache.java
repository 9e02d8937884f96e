package dev.signet.ca.revoke;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pre-signed OCSP responses, one per (CA, serial, CertID hash algorithm), and an index from the
 * exact bytes of a request without a nonce to its response, so that the common request costs one
 * hash lookup and no parsing.
 *
 * <p>Revocation safety: {@link #invalidate} first bumps the CA's generation and then drops the
 * serial's entries; {@link #put} stores an entry only if the generation it was built under is still
 * current, checked atomically with the insertion. A response built from a status read before a
 * revoke can therefore never be served after that revoke's invalidation.
 */
final class ResponseCache {

    /** One cached response. {@code stale} is set when it must no longer be served. */
    static final class Entry {
        final String caId;
        final String serialHex;
        final String key;
        final byte[] der;
        final Instant thisUpdate;
        final Instant nextUpdate;
        final Instant refreshAt;
        final String etag;
        volatile boolean stale;

        Entry(String caId, String serialHex, String key, byte[] der, Instant thisUpdate, Instant nextUpdate,
                Instant refreshAt, String etag) {
            this.caId = caId;
            this.serialHex = serialHex;
            this.key = key;
            this.der = der;
            this.thisUpdate = thisUpdate;
            this.nextUpdate = nextUpdate;
            this.refreshAt = refreshAt;
            this.etag = etag;
        }
    }

    /** A request's bytes as a map key. */
    private record RequestBytes(byte[] bytes, int hash) {
        static RequestBytes of(byte[] b) {
            return new RequestBytes(b, Arrays.hashCode(b));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestBytes r && r.hash == hash && Arrays.equals(r.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final int maxRequestIndex;
    private final Map<String, Entry> bySerial = new ConcurrentHashMap<>();
    private final Map<RequestBytes, Entry> byRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();

    ResponseCache(int maxRequestIndex) {
        this.maxRequestIndex = maxRequestIndex;
    }

    static String key(String caId, String serialHex, String hashAlgorithm) {
        return caId + "/" + serialHex + "/" + hashAlgorithm;
    }

    private AtomicLong generation(String caId) {
        return generations.computeIfAbsent(caId, id -> new AtomicLong());
    }

    /** The generation to build a response under (read it before reading the status). */
    long generationOf(String caId) {
        return generation(caId).get();
    }

    /** The fresh response for exactly these request bytes, or null. */
    Entry forRequest(byte[] request, Instant now) {
        Entry e = byRequest.get(RequestBytes.of(request));
        return e != null && !e.stale && now.isBefore(e.nextUpdate) ? e : null;
    }

    /** The fresh response for this key, or null. */
    Entry get(String key, Instant now) {
        Entry e = bySerial.get(key);
        return e != null && !e.stale && now.isBefore(e.nextUpdate) ? e : null;
    }

    /** Remembers that these request bytes are answered by {@code e}. */
    void index(byte[] request, Entry e) {
        if (byRequest.size() >= maxRequestIndex) {
            byRequest.clear(); // crude but bounded: the index refills from the serial map
        }
        byRequest.put(RequestBytes.of(request.clone()), e);
    }

    /** Stores {@code e} if no invalidation of its CA happened since {@code builtUnder}; returns whether it did. */
    boolean put(Entry e, long builtUnder) {
        AtomicLong g = generation(e.caId);
        boolean[] stored = {false};
        bySerial.compute(e.key, (k, old) -> {
            if (g.get() != builtUnder) {
                return old;
            }
            if (old != null && old != e) {
                old.stale = true;
            }
            stored[0] = true;
            return e;
        });
        return stored[0];
    }

    /** Drops every response about {@code serialHex} of {@code caId}, after bumping the CA's generation. */
    void invalidate(String caId, String serialHex) {
        generation(caId).incrementAndGet();
        for (String alg : IssuerIndex.ALGORITHMS.values()) {
            Entry old = bySerial.remove(key(caId, serialHex, alg));
            if (old != null) {
                old.stale = true;
            }
        }
    }

    /** Drops every response of a CA (its responder changed). */
    void invalidateCa(String caId) {
        generation(caId).incrementAndGet();
        bySerial.values().removeIf(e -> {
            if (e.caId.equals(caId)) {
                e.stale = true;
                return true;
            }
            return false;
        });
    }

    /** Entries due for a background refresh at {@code now}. */
    List<Entry> due(Instant now, int max) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : bySerial.values()) {
            if (!e.stale && !now.isBefore(e.refreshAt)) {
                out.add(e);
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return out;
    }

    /** Forgets an entry that is past its nextUpdate and was not refreshed. */
    void dropExpired(Instant now) {
        bySerial.values().removeIf(e -> {
            if (!now.isBefore(e.nextUpdate)) {
                e.stale = true;
                return true;
            }
            return false;
        });
        byRequest.values().removeIf(e -> e.stale);
    }

    int size() {
        return bySerial.size();
    }
}
