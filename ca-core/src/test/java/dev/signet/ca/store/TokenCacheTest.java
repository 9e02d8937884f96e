package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.ApiToken;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    private static final ApiToken TOKEN = new ApiToken("id", "ci", "officer", Set.of(), Instant.EPOCH, null, null);

    @Test
    void a_row_read_before_a_revocation_cleared_the_cache_is_not_kept() {
        TokenCache cache = new TokenCache(() -> 0L);
        long before = cache.generation();
        // The database row was read here; then a revocation commits and clears the cache...
        cache.clear();
        // ...and only then does the slow reader store what it read.
        cache.put("h", TOKEN, before);
        assertTrue(cache.get("h").isEmpty(), "the pre-revocation row must not be served");

        cache.put("h", TOKEN, cache.generation());
        assertTrue(cache.get("h").isPresent());
    }

    @Test
    void an_entry_is_served_for_the_ttl_and_not_after() {
        long[] now = {0};
        TokenCache cache = new TokenCache(() -> now[0]);
        cache.put("h", TOKEN, cache.generation());
        now[0] += TokenCache.TTL.toNanos() - 1;
        assertTrue(cache.get("h").isPresent());
        now[0] += 1;
        assertFalse(cache.get("h").isPresent());
    }
}
