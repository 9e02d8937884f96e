package dev.signet.web.ui;

import dev.signet.ca.UiSessions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Limits failed logins in a sliding window, per user name and per client address: after
 * {@link #PER_USER} failures for one name, or {@link #PER_CLIENT} from one address, within
 * {@link #WINDOW}, further attempts are refused without checking the password until the oldest
 * failure leaves the window. A success clears the user name's failures (not the address's).
 *
 * <p>The failures are in the database, so every node counts the same ones: a user is not let
 * through, or locked out, depending on which node answers. A refused attempt records nothing, so
 * one address adds at most {@link #PER_CLIENT} rows per window however many names it tries.
 */
final class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_USER = 5;
    static final int PER_CLIENT = 20;

    private final UiSessions failures;
    private final Clock clock;

    LoginThrottle(UiSessions failures, Clock clock) {
        this.failures = failures;
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
        failures.recordLoginFailure(List.of(userKey(username), clientKey(client)), now, now.minus(WINDOW));
    }

    void succeeded(String username) {
        failures.clearLoginFailures(userKey(username));
    }

    private Duration waitFor(String key, int limit, Instant now) {
        List<Instant> newest = failures.loginFailuresSince(key, now.minus(WINDOW), limit);
        if (newest.size() < limit) {
            return Duration.ZERO;
        }
        // The attempt that takes the count below the limit is the limit-th newest leaving the window.
        return Duration.between(now, newest.get(limit - 1).plus(WINDOW));
    }

    private static String userKey(String username) {
        String u = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return "u:" + (u.length() <= 100 ? u : u.substring(0, 100));
    }

    private static String clientKey(String client) {
        String c = client == null ? "" : client;
        return "c:" + (c.length() <= 100 ? c : c.substring(0, 100));
    }
}
