package dev.signet.web.ui;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.UiSessionRecord;
import dev.signet.ca.UiSessions;
import dev.signet.hsm.DataCipher;
import dev.signet.hsm.HsmException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * UI sessions: a session ends at logout, after {@link #IDLE} without a request, or {@link #ABSOLUTE}
 * after login, whichever comes first. Ids and CSRF tokens are 256 random bits each.
 *
 * <p>Logged-in sessions are kept in the database ({@link UiSessions}, the id only as its hash),
 * so they survive a restart and every node on the database knows them; the idle time is measured
 * from a last-seen time written at most once a minute, so it is exact to that minute. There are no
 * pre-login sessions: the login form is protected by a signed token ({@link LoginTokens}), so
 * fetching the login page stores nothing anywhere.
 *
 * <p>A flash (a new token's secret, shown once after a redirect) is stored with its session too, so
 * that the page after the redirect may be served by any node; it is sealed with AES-256-GCM under
 * an HSM key the nodes share ({@link dev.signet.web.Services#UI_FLASH_KEY_LABEL}), bound to the
 * session id, so neither a copy of the database nor another session can read it. It is deleted as
 * it is shown, after {@link #FLASH}, or with its session.
 */
final class SessionStore {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration ABSOLUTE = Duration.ofHours(8);
    /** How long a flash waits to be shown: the redirect that follows it takes a moment. */
    static final Duration FLASH = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UiSessions store;
    /** Seals what the next page of a session shows once (a new token's secret), kept out of URLs and forms. */
    private final DataCipher flashKey;
    private final Clock clock;

    SessionStore(UiSessions store, DataCipher flashKey, Clock clock) {
        this.store = store;
        this.flashKey = flashKey;
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
            store.end(id);
        }
    }

    /** Ends a logged-in session and writes {@code logout} (its audit entry) in the same transaction. */
    void logout(String id, AuditEvent logout) {
        store.end(id, logout);
    }

    /** Keeps {@code value} for the next {@link #takeFlash} of this session (post, redirect, get), for {@link #FLASH}. */
    void flash(String id, Flash value) {
        if (id == null) {
            return;
        }
        byte[] plain = FlashJson.encode(value);
        try {
            store.putFlash(id, flashKey.encrypt(plain, boundTo(id)), now().plus(FLASH));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * The value flashed for this session, removed as it is read: it is shown once, by whichever
     * node serves the page. One that cannot be unsealed (the HSM key was replaced) is no flash.
     */
    Optional<Flash> takeFlash(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Optional<byte[]> sealed = store.takeFlash(id, now());
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        byte[] plain;
        try {
            plain = flashKey.decrypt(sealed.get(), boundTo(id));
        } catch (HsmException.DecryptionFailed e) {
            return Optional.empty();
        }
        try {
            return FlashJson.decode(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Ends every session of {@code username} (the user was disabled), and their flashes with them. */
    void endAllOf(String username) {
        store.endAllOf(username);
    }

    /** The associated data of a session's flash: a flash copied to another session's row does not open. */
    private static byte[] boundTo(String sessionId) {
        return ("signet ui flash\0" + sessionId).getBytes(StandardCharsets.UTF_8);
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
