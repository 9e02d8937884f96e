package dev.signet.ca;

import dev.signet.ca.store.LoginFailures;
import dev.signet.ca.store.UiSessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the web UI keeps in the database so that every node shares it and a restart keeps it: the
 * logged-in sessions (each id stored only as its SHA-256), the one flash each may hold for its next
 * page (kept as the caller sealed it), and the failed logins the login throttle counts. Times come
 * from the caller, whose clock decides expiry.
 */
public final class UiSessions {

    /** How stale a session's stored last-seen time may get before a request writes it again. */
    public static final Duration TOUCH_INTERVAL = UiSessionStore.TOUCH_INTERVAL;

    private final UiSessionStore sessions;
    private final LoginFailures failures;

    public UiSessions(Storage storage) {
        this.sessions = new UiSessionStore(storage.database());
        this.failures = new LoginFailures(storage.database());
    }

    /** Stores a new session under the hash of {@code sessionId}, with {@code login} (its audit event) in the same transaction. */
    public void open(String sessionId, UiSessionRecord session, AuditEvent login) {
        sessions.open(sessionId, session, login);
    }

    /** The stored session with this id, expired or not: the caller decides. */
    public Optional<UiSessionRecord> find(String sessionId) {
        return sessions.find(sessionId);
    }

    /**
     * Records that {@code session} (as just found) was used at {@code now} and returns it as it now
     * stands; writes only when its last-seen time is {@link #TOUCH_INTERVAL} old or more.
     */
    public UiSessionRecord touch(String sessionId, UiSessionRecord session, Instant now) {
        return sessions.touch(sessionId, session, now);
    }

    /** Ends the session with this id, if it is stored. */
    public void end(String sessionId) {
        sessions.end(sessionId);
    }

    /** Ends the session with this id and appends {@code logout} in the same transaction. */
    public void end(String sessionId, AuditEvent logout) {
        sessions.end(sessionId, logout);
    }

    /** Ends every session of {@code username}; returns how many there were. */
    public int endAllOf(String username) {
        return sessions.endAllOf(username);
    }

    /**
     * Deletes the sessions that have ended by {@code now} (past their expiry, or not seen for
     * {@code idle}) and the flashes not taken in time; returns how many sessions.
     */
    public int sweep(Instant now, Duration idle) {
        return sessions.sweep(now, idle);
    }

    /** Keeps {@code sealed} as the session's flash until {@code expires}, replacing one not taken yet. */
    public void putFlash(String sessionId, byte[] sealed, Instant expires) {
        sessions.putFlash(sessionId, sealed, expires);
    }

    /** The session's flash, deleted as it is read (of two requests only one gets it); empty if none or expired by {@code now}. */
    public Optional<byte[]> takeFlash(String sessionId, Instant now) {
        return sessions.takeFlash(sessionId, now);
    }

    /** Records one failed login under each throttle key at {@code at}, and forgets failures older than {@code forgetBefore}. */
    public void recordLoginFailure(List<String> keys, Instant at, Instant forgetBefore) {
        failures.record(keys, at, forgetBefore);
    }

    /** The newest {@code limit} failed logins under {@code key} after {@code since}, newest first. */
    public List<Instant> loginFailuresSince(String key, Instant since, int limit) {
        return failures.since(key, since, limit);
    }

    /** Forgets every failed login under {@code key} (a successful login clears its user name's). */
    public void clearLoginFailures(String key) {
        failures.clear(key);
    }
}
