package dev.signet.web.ui;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UI sessions, held in memory: a session ends at logout, after {@link #IDLE} without a request, or
 * {@link #ABSOLUTE} after login, whichever comes first, and all end when the server stops. Ids and
 * CSRF tokens are 256 random bits each. Anonymous (pre-login) sessions are short-lived and capped
 * in number, so that fetching the login page cannot fill memory.
 */
final class SessionStore {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration ABSOLUTE = Duration.ofHours(8);
    static final Duration ANONYMOUS = Duration.ofMinutes(15);
    static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** What the next page of a session shows once (a new token's secret), kept out of URLs and forms. */
    private final Map<String, Object> flashes = new ConcurrentHashMap<>();
    private final Clock clock;

    SessionStore(Clock clock) {
        this.clock = clock;
    }

    /** A new pre-login session, or empty when too many are open. */
    Optional<Session> openAnonymous() {
        return open(null, ANONYMOUS);
    }

    /** A new session for {@code username}; the caller ends the anonymous one it replaces. */
    Optional<Session> openFor(String username) {
        return open(username, ABSOLUTE);
    }

    private Optional<Session> open(String username, Duration lifetime) {
        if (sessions.size() >= MAX_SESSIONS) {
            sweep();
            if (sessions.size() >= MAX_SESSIONS) {
                return Optional.empty();
            }
        }
        Instant now = clock.instant();
        Session s = new Session(random(), username, random(), now, now, now.plus(lifetime));
        sessions.put(s.id(), s);
        return Optional.of(s);
    }

    /** The live session with this id, marked as seen now; expired ones are removed. */
    Optional<Session> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            end(id);
            return Optional.empty();
        }
        Session seen = s.seen(now);
        sessions.replace(id, s, seen);
        return Optional.of(seen);
    }

    void end(String id) {
        if (id != null) {
            sessions.remove(id);
            flashes.remove(id);
        }
    }

    /** Keeps {@code value} for the next {@link #takeFlash} of this session (post, redirect, get). */
    void flash(String id, Object value) {
        if (id != null && sessions.containsKey(id)) {
            flashes.put(id, value);
        }
    }

    /** The value flashed for this session, removed as it is read: it is shown once. */
    Optional<Object> takeFlash(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(flashes.remove(id));
    }

    /** Ends every session of {@code username} (the user was disabled). */
    void endAllOf(String username) {
        sessions.values().removeIf(s -> {
            if (username.equals(s.username())) {
                flashes.remove(s.id());
                return true;
            }
            return false;
        });
    }

    int size() {
        return sessions.size();
    }

    private void sweep() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        flashes.keySet().retainAll(sessions.keySet());
    }

    private static boolean expired(Session s, Instant now) {
        return !now.isBefore(s.expires()) || (!s.anonymous() && !now.isBefore(s.lastSeen().plus(IDLE)));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
