package dev.signet.ca.store;

import dev.signet.ca.UiSessionRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.StoreException;
import dev.signet.ca.UserRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiSessionStoreTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String ID = "a-session-id-of-43-characters-0123456789abc";

    @TempDir
    Path dir;

    private Database db;
    private UiSessionStore sessions;

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir.resolve("signet.db"));
        sessions = new UiSessionStore(db);
        AccessStore access = new AccessStore(db);
        for (String name : List.of("alice", "bob")) {
            access.createUser(new UserRecord(name, "hash-of-" + name, "officer", T0, false), "test");
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void an_opened_session_is_found_by_its_id_with_the_login_audited_in_the_same_write() {
        sessions.open(ID, session("alice", T0), AuditEvent.of("user:alice", "login.success", "user", "alice"));
        UiSessionRecord found = sessions.find(ID).orElseThrow();
        assertEquals("alice", found.username());
        assertEquals("csrf-alice", found.csrfToken());
        assertEquals(T0.plus(Duration.ofHours(8)), found.expires());
        assertTrue(sessions.find(ID + "x").isEmpty());
        assertTrue(sessions.find(null).isEmpty());
        List<AuditEntry> entries = new AuditLog(db).list(0, 10).items();
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("login.success")));
        assertFalse(found.toString().contains("csrf-alice"));
    }

    @Test
    void the_last_seen_time_is_written_only_when_a_minute_old_and_never_moves_back() {
        sessions.open(ID, session("alice", T0), AuditEvent.of("user:alice", "login.success", "user", "alice"));
        UiSessionRecord s = sessions.find(ID).orElseThrow();
        long commits = db.commitCount();
        UiSessionRecord soon = sessions.touch(ID, s, T0.plusSeconds(59));
        assertEquals(commits, db.commitCount(), "no write within the minute");
        assertEquals(T0, soon.lastSeen());
        assertEquals(T0, sessions.find(ID).orElseThrow().lastSeen());

        UiSessionRecord later = sessions.touch(ID, s, T0.plusSeconds(120));
        assertEquals(T0.plusSeconds(120), later.lastSeen());
        assertEquals(T0.plusSeconds(120), sessions.find(ID).orElseThrow().lastSeen());
        // A stale copy with an earlier time (another node's request) does not move the stored time back.
        sessions.touch(ID, s, T0.plusSeconds(90));
        assertEquals(T0.plusSeconds(120), sessions.find(ID).orElseThrow().lastSeen());
    }

    @Test
    void ending_one_or_all_of_a_users_sessions_leaves_the_others() {
        AuditEvent login = AuditEvent.of("test", "login.success", "user", "x");
        sessions.open("alice-1", session("alice", T0), login);
        sessions.open("alice-2", session("alice", T0), login);
        sessions.open("bob-1", session("bob", T0), login);
        sessions.end("alice-1", AuditEvent.of("user:alice", "logout", "user", "alice"));
        assertTrue(sessions.find("alice-1").isEmpty());
        assertEquals(1, sessions.endAllOf("alice"));
        assertTrue(sessions.find("alice-2").isEmpty());
        assertTrue(sessions.find("bob-1").isPresent());
        sessions.end("bob-1");
        assertTrue(sessions.find("bob-1").isEmpty());
    }

    @Test
    void a_sweep_removes_sessions_past_their_expiry_or_idle_time_only() {
        AuditEvent login = AuditEvent.of("test", "login.success", "user", "x");
        Duration idle = Duration.ofMinutes(30);
        sessions.open("fresh", session("alice", T0.plus(Duration.ofHours(1))), login);
        sessions.open("idle", session("alice", T0), login);
        sessions.open("old", new UiSessionRecord("bob", "csrf", T0, T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(1))), login);
        assertEquals(2, sessions.sweep(T0.plus(Duration.ofHours(1)), idle));
        assertTrue(sessions.find("fresh").isPresent());
        assertTrue(sessions.find("idle").isEmpty());
        assertTrue(sessions.find("old").isEmpty());
    }

    @Test
    void a_session_needs_a_known_user() {
        assertThrows(StoreException.class, () -> sessions.open(ID, session("nobody", T0),
                AuditEvent.of("user:nobody", "login.success", "user", "nobody")));
        assertTrue(sessions.find(ID).isEmpty());
    }

    @Test
    void a_flash_is_taken_once_replaced_by_a_newer_one_and_not_after_its_expiry() {
        AuditEvent login = AuditEvent.of("test", "login.success", "user", "x");
        sessions.open(ID, session("alice", T0), login);
        sessions.putFlash(ID, new byte[] {1, 2, 3}, T0.plusSeconds(300));
        sessions.putFlash(ID, new byte[] {4, 5, 6}, T0.plusSeconds(300));
        assertArrayEquals(new byte[] {4, 5, 6}, sessions.takeFlash(ID, T0.plusSeconds(1)).orElseThrow());
        assertTrue(sessions.takeFlash(ID, T0.plusSeconds(2)).isEmpty(), "shown once");

        sessions.putFlash(ID, new byte[] {7}, T0.plusSeconds(300));
        assertTrue(sessions.takeFlash(ID, T0.plusSeconds(300)).isEmpty(), "expired");
        assertTrue(sessions.takeFlash(ID, T0.plusSeconds(1)).isEmpty(), "an expired flash is deleted when found");
        assertTrue(sessions.takeFlash("another-session", T0).isEmpty());
    }

    @Test
    void a_flash_goes_with_its_session_and_an_ended_session_gets_none() {
        AuditEvent login = AuditEvent.of("test", "login.success", "user", "x");
        sessions.open(ID, session("alice", T0), login);
        sessions.putFlash(ID, new byte[] {1}, T0.plusSeconds(300));
        sessions.end(ID);
        sessions.open(ID, session("alice", T0), login);
        assertTrue(sessions.takeFlash(ID, T0).isEmpty(), "deleted with the session it belonged to");

        sessions.putFlash("no-such-session", new byte[] {2}, T0.plusSeconds(300));
        assertTrue(sessions.takeFlash("no-such-session", T0).isEmpty());

        sessions.putFlash(ID, new byte[] {3}, T0.plusSeconds(60));
        sessions.sweep(T0.plusSeconds(61), Duration.ofMinutes(30));
        assertTrue(sessions.find(ID).isPresent());
        assertTrue(sessions.takeFlash(ID, T0).isEmpty(), "swept once expired, though its session lives");
    }

    private static UiSessionRecord session(String username, Instant at) {
        return new UiSessionRecord(username, "csrf-" + username, at, at, at.plus(Duration.ofHours(8)));
    }
}
