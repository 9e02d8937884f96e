package dev.signet.web.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed logins in a sliding window, per user name and per client address: after
 * {@link #PER_USER} failures for one name, or {@link #PER_CLIENT} from one address, within
 * {@link #WINDOW}, further attempts are refused without checking the password until the oldest
 * failure leaves the window. A success clears the user name's failures (not the address's).
 */
final class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_USER = 5;
    static final int PER_CLIENT = 20;
    /** Bound on remembered keys, so that a flood of random names cannot fill memory. */
    static final int MAX_KEYS = 50_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long until a login for {@code username} from {@code client} may be tried, or zero if now. */
    Duration wait(String username, String client) {
        Instant now = clock.instant();
        Duration user = waitFor(userKey(username), PER_USER, now);
        Duration address = waitFor(clientKey(client), PER_CLIENT, now);
        return user.compareTo(address) >= 0 ? user : address;
    }

    void failed(String username, String client) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        record(userKey(username), now);
        record(clientKey(client), now);
    }

    void succeeded(String username) {
        failures.remove(userKey(username));
    }

    private void record(String key, Instant now) {
        Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
            // Only the newest PER_CLIENT matter for any limit.
            while (q.size() > PER_CLIENT) {
                q.removeFirst();
            }
        }
    }

    private Duration waitFor(String key, int limit, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Duration.ZERO;
        }
        synchronized (q) {
            prune(q, now);
            if (q.size() < limit) {
                return Duration.ZERO;
            }
            // The attempt that takes the count below the limit is the (size - limit + 1)-th oldest leaving.
            Instant oldestThatMatters = q.stream().skip(q.size() - limit).findFirst().orElseThrow();
            return Duration.between(now, oldestThatMatters.plus(WINDOW));
        }
    }

    private static void prune(Deque<Instant> q, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!q.isEmpty() && !q.peekFirst().isAfter(cutoff)) {
            q.removeFirst();
        }
    }

    private static String userKey(String username) {
        String u = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return "u:" + (u.length() <= 100 ? u : u.substring(0, 100));
    }

    private static String clientKey(String client) {
        return "c:" + (client == null ? "" : client);
    }
}
