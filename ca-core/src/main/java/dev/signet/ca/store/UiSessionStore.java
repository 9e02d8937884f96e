package dev.signet.ca.store;

import dev.signet.ca.UiSessionRecord;
import static dev.signet.ca.store.schema.Tables.UI_FLASH;
import static dev.signet.ca.store.schema.Tables.UI_SESSION;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.schema.tables.records.UiSessionRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Logged-in web UI sessions, so that they survive a restart and are shared by every node on the
 * database. A session id is stored only as its SHA-256 (lower-case hex) and found by that hash: like
 * an API token it has 256 random bits, so a plain hash is enough, and a copy of the database logs
 * nobody in. Times come from the caller (its clock decides expiry), not from the write batch.
 *
 * <p>Reading a session costs one index probe and no write: {@link #touch} writes the last-seen time
 * only when the stored one is {@link #TOUCH_INTERVAL} or more old. An idle timeout measured from the
 * stored time is therefore exact to that interval: a session may end up to a minute before its idle
 * time after the last request has passed, never after.
 *
 * <p>A session may hold one flash: what its next page shows once (a new token's secret, say), so
 * that any node can show it. The store keeps it as the caller sealed it; it goes with its session.
 */
public final class UiSessionStore {

    /** How stale the stored last-seen time may get before a request writes it again. */
    public static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final Database db;

    public UiSessionStore(Database db) {
        this.db = db;
    }

    /** Stores a new session under the hash of {@code sessionId}, with {@code event} (the login) in the same transaction. */
    public void open(String sessionId, UiSessionRecord session, AuditEvent event) {
        Checks.notBlank(sessionId, "session id");
        Checks.notNull(session, "session");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            w.tx().insertInto(UI_SESSION)
                    .set(UI_SESSION.ID_HASH, AccessStore.hash(sessionId))
                    .set(UI_SESSION.USERNAME, session.username())
                    .set(UI_SESSION.CSRF_TOKEN, session.csrfToken())
                    .set(UI_SESSION.CREATED_AT, session.created().toEpochMilli())
                    .set(UI_SESSION.LAST_SEEN_AT, session.lastSeen().toEpochMilli())
                    .set(UI_SESSION.EXPIRES_AT, session.expires().toEpochMilli())
                    .execute();
            w.audit(event);
            return null;
        });
    }

    /** The stored session with this id, expired or not: the caller decides. */
    public Optional<UiSessionRecord> find(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 200) {
            return Optional.empty();
        }
        String hash = AccessStore.hash(sessionId);
        return db.readOne(dsl -> dsl.selectFrom(UI_SESSION).where(UI_SESSION.ID_HASH.eq(hash))
                .fetchOptional().map(UiSessionStore::toSession));
    }

    /**
     * Records that {@code session} (as just found) was used at {@code now} and returns it as it now
     * stands. Writes only when its last-seen time is at least {@link #TOUCH_INTERVAL} old, and never
     * moves the time back (another node may have written a later one).
     */
    public UiSessionRecord touch(String sessionId, UiSessionRecord session, Instant now) {
        if (now.isBefore(session.lastSeen().plus(TOUCH_INTERVAL))) {
            return session;
        }
        String hash = AccessStore.hash(sessionId);
        long seen = now.toEpochMilli();
        db.write(w -> w.tx().update(UI_SESSION).set(UI_SESSION.LAST_SEEN_AT, seen)
                .where(UI_SESSION.ID_HASH.eq(hash).and(UI_SESSION.LAST_SEEN_AT.lt(seen))).execute());
        return new UiSessionRecord(session.username(), session.csrfToken(), session.created(), now, session.expires());
    }

    /** Ends the session with this id, if it is stored (an expired one, a user who is gone). */
    public void end(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            return;
        }
        String hash = AccessStore.hash(sessionId);
        db.write(w -> w.tx().deleteFrom(UI_SESSION).where(UI_SESSION.ID_HASH.eq(hash)).execute());
    }

    /** Ends the session with this id and appends {@code event} (the logout) in the same transaction. */
    public void end(String sessionId, AuditEvent event) {
        Checks.notNull(event, "audit event");
        String hash = sessionId == null ? null : AccessStore.hash(sessionId);
        db.write(w -> {
            if (hash != null) {
                w.tx().deleteFrom(UI_SESSION).where(UI_SESSION.ID_HASH.eq(hash)).execute();
            }
            w.audit(event);
            return null;
        });
    }

    /** Ends every session of {@code username}; returns how many there were. */
    public int endAllOf(String username) {
        Checks.notBlank(username, "user name");
        return db.write(w -> w.tx().deleteFrom(UI_SESSION).where(UI_SESSION.USERNAME.eq(username)).execute());
    }

    /**
     * Deletes the sessions that have ended by {@code now}: past their expiry, or not seen for
     * {@code idle}, and the flashes that were not taken in time. Returns how many sessions.
     */
    public int sweep(Instant now, Duration idle) {
        long at = now.toEpochMilli();
        long seenBefore = now.minus(idle).toEpochMilli();
        return db.write(w -> {
            w.tx().deleteFrom(UI_FLASH).where(UI_FLASH.EXPIRES_AT.le(at)).execute();
            return w.tx().deleteFrom(UI_SESSION)
                    .where(UI_SESSION.EXPIRES_AT.le(at).or(UI_SESSION.LAST_SEEN_AT.le(seenBefore))).execute();
        });
    }

    /**
     * Keeps {@code sealed} as the flash of the session with this id until {@code expires}, replacing
     * one not taken yet. Stores nothing if the session has ended (its flash would go with it anyway).
     */
    public void putFlash(String sessionId, byte[] sealed, Instant expires) {
        Checks.notBlank(sessionId, "session id");
        Checks.notNull(sealed, "sealed flash");
        Checks.notNull(expires, "flash expiry");
        String hash = AccessStore.hash(sessionId);
        long until = expires.toEpochMilli();
        db.write(w -> {
            w.tx().deleteFrom(UI_FLASH).where(UI_FLASH.SESSION_HASH.eq(hash)).execute();
            return w.tx().insertInto(UI_FLASH, UI_FLASH.SESSION_HASH, UI_FLASH.SEALED, UI_FLASH.EXPIRES_AT)
                    .select(select(val(hash), val(sealed), val(until)).from(UI_SESSION).where(UI_SESSION.ID_HASH.eq(hash)))
                    .execute();
        });
    }

    /**
     * The flash of the session with this id, deleted as it is read, so that of two requests (on one
     * node or two) only one gets it; empty if there is none or it expired by {@code now}. A page
     * without a flash costs one read and no write.
     */
    public Optional<byte[]> takeFlash(String sessionId, Instant now) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 200) {
            return Optional.empty();
        }
        String hash = AccessStore.hash(sessionId);
        var stored = db.readOne(dsl -> dsl.select(UI_FLASH.SEALED, UI_FLASH.EXPIRES_AT).from(UI_FLASH)
                .where(UI_FLASH.SESSION_HASH.eq(hash)).fetchOptional());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        // Deleted by its exact value, expired or not: a flash put in the meantime is not taken in its place.
        byte[] sealed = stored.get().value1();
        int deleted = db.write(w -> w.tx().deleteFrom(UI_FLASH)
                .where(UI_FLASH.SESSION_HASH.eq(hash).and(UI_FLASH.SEALED.eq(sealed))).execute());
        boolean live = now.toEpochMilli() < stored.get().value2();
        return deleted == 1 && live ? Optional.of(sealed) : Optional.empty();
    }

    private static UiSessionRecord toSession(UiSessionRow r) {
        return new UiSessionRecord(r.getUsername(), r.getCsrfToken(), Instant.ofEpochMilli(r.getCreatedAt()),
                Instant.ofEpochMilli(r.getLastSeenAt()), Instant.ofEpochMilli(r.getExpiresAt()));
    }
}
