package dev.signet.web.ui;

import dev.signet.ca.store.AuditEvent;
import dev.signet.ca.store.UiSessionRecord;
import dev.signet.ca.store.UiSessionStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UI sessions: a session ends at logout, after {@link #IDLE} without a request, or {@link #ABSOLUTE}
 * after login, whichever comes first. Ids and CSRF tokens are 256 random bits each.
 *
 * <p>Logged-in sessions are kept in the database ({@link UiSessionStore}, the id only as its hash),
 * so they survive a restart and every node on the database knows them; the idle time is measured
 * from a last-seen time written at most once a minute, so it is exact to that minute. There are no
 * pre-login sessions: the login form is protected by a signed token ({@link LoginTokens}), so
 * fetching the login page stores nothing anywhere. Flashes (a new token's secret, shown once after a
 * redirect) stay in memory too, for a few minutes: a secret never goes to disk. With several nodes,
 * the page after such a redirect must be served by the same node to show it.
 */
final class SessionStore {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration ABSOLUTE = Duration.ofHours(8);
    /** How long a flash waits to be shown: the redirect that follows it takes a moment. */
    static final Duration FLASH = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the next page of a session shows once (a new token's secret), kept out of URLs and forms. */
    private final Map<String, Flash> flashes = new ConcurrentHashMap<>();
    private final UiSessionStore store;
    private final Clock clock;

    private record Flash(Object value, Instant until) {}

    SessionStore(UiSessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A new stored session for {@code username}, written with {@code login} (its audit entry) in one
     * transaction. Sessions that have ended are swept
     * from the database first, so it holds no more than the live ones and those of the last minutes.
     */
    Session openFor(String username, AuditEvent login) {
        Instant now = now();
        store.sweep(now, IDLE);
        Session s = new Session(random(), username, random(), now, now, now.plus(ABSOLUTE));
        store.open(s.id(), new UiSessionRecord(username, s.csrfToken(), now, now, s.expires()), login);
        return s;
    }

    /** The live session with this id, marked as seen now (stored at most once a minute); ended ones are removed. */
    Optional<Session> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Instant now = now();
        Optional<UiSessionRecord> stored = store.find(id);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Session s = toSession(id, stored.get());
        if (expired(s, now)) {
            end(id);
            return Optional.empty();
        }
        return Optional.of(toSession(id, store.touch(id, stored.get(), now)));
    }

    /** Ends the session. */
    void end(String id) {
        if (id != null) {
            flashes.remove(id);
            store.end(id);
        }
    }

    /** Ends a logged-in session and writes {@code logout} (its audit entry) in the same transaction. */
    void logout(String id, AuditEvent logout) {
        if (id != null) {
            flashes.remove(id);
        }
        store.end(id, logout);
    }

    /** Keeps {@code value} for the next {@link #takeFlash} of this session (post, redirect, get), for {@link #FLASH}. */
    void flash(String id, Object value) {
        if (id != null) {
            Instant now = now();
            flashes.values().removeIf(f -> !now.isBefore(f.until()));
            flashes.put(id, new Flash(value, now.plus(FLASH)));
        }
    }

    /** The value flashed for this session, removed as it is read: it is shown once. */
    Optional<Object> takeFlash(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Flash f = flashes.remove(id);
        return f == null || !now().isBefore(f.until()) ? Optional.empty() : Optional.of(f.value());
    }

    /**
     * Ends every session of {@code username} (the user was disabled). Their flashes stay until they
     * expire, unreadable: only a live session's pages take a flash.
     */
    void endAllOf(String username) {
        store.endAllOf(username);
    }

    private Instant now() {
        // The store keeps milliseconds; a session read back must equal the one opened.
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Session toSession(String id, UiSessionRecord r) {
        return new Session(id, r.username(), r.csrfToken(), r.created(), r.lastSeen(), r.expires());
    }

    private static boolean expired(Session s, Instant now) {
        return !now.isBefore(s.expires()) || !now.isBefore(s.lastSeen().plus(IDLE));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
