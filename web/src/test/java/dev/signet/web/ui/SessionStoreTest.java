package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.Accounts;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.Storage;
import dev.signet.ca.UiSessions;
import dev.signet.ca.UserRecord;
import dev.signet.hsm.DataCipher;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session rules over a real SQLite database, with a clock the test moves. */
class SessionStoreTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    Storage db;
    Hsm hsm;
    DataCipher flashKey;
    SessionStore sessions;

    @BeforeEach
    void open() {
        hsm = Hsms.open(new HsmConfig.Software(dir.resolve("keys"), new SecretSource.Env("P", Map.of("P", "test passphrase"))));
        flashKey = hsm.encryptionKeys().generate("ui-flash");
        db = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(dir.resolve("signet.db")));
        Accounts access = new Accounts(db);
        for (String name : List.of("alice", "bob")) {
            access.createUser(new UserRecord(name, "not-a-real-hash", "auditor", clock.instant(), false), "test");
        }
        sessions = new SessionStore(new UiSessions(db), flashKey, clock);
    }

    @AfterEach
    void close() {
        db.close();
        hsm.close();
    }

    @Test
    void a_session_ends_after_thirty_idle_minutes() {
        Session s = login("alice");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "each request restarts the idle time");
        clock.advance(SessionStore.IDLE);
        assertFalse(sessions.find(s.id()).isPresent());
    }

    @Test
    void the_idle_time_is_exact_to_the_minute_without_a_write_per_request() {
        Session s = login("alice");
        long commits = db.commitCount();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertTrue(sessions.find(s.id()).isPresent());
        }
        assertEquals(commits, db.commitCount(), "requests within a minute of the stored last-seen time write nothing");
        // The last request (at 50 s) was not stored: the session ends 30 minutes after the stored 0 s.
        clock.advance(SessionStore.IDLE.minusSeconds(50));
        assertFalse(sessions.find(s.id()).isPresent());
    }

    @Test
    void a_session_ends_eight_hours_after_login_however_busy() {
        Session s = login("alice");
        for (int i = 0; i < 8 * 4 - 1; i++) {
            clock.advance(Duration.ofMinutes(15));
            assertTrue(sessions.find(s.id()).isPresent());
        }
        clock.advance(Duration.ofMinutes(15));
        assertFalse(sessions.find(s.id()).isPresent());
    }

    @Test
    void a_stored_session_outlives_the_server_and_an_expired_one_stays_expired() {
        Session kept = login("alice");
        Session idle = login("bob");
        clock.advance(Duration.ofMinutes(20));
        assertTrue(sessions.find(kept.id()).isPresent());
        db.close();
        db = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(dir.resolve("signet.db")));
        SessionStore restarted = new SessionStore(new UiSessions(db), flashKey, clock);
        clock.advance(Duration.ofMinutes(15));
        Session found = restarted.find(kept.id()).orElseThrow();
        assertEquals("alice", found.username());
        assertEquals(kept.csrfToken(), found.csrfToken());
        assertTrue(restarted.find(idle.id()).isEmpty(), "35 minutes idle, restart or not");
    }

    @Test
    void ids_and_csrf_tokens_are_random_and_distinct() {
        Session a = login("alice");
        Session b = login("alice");
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrfToken(), b.csrfToken());
        assertNotEquals(a.id(), a.csrfToken());
        assertEquals(43, a.id().length());
        assertFalse(a.toString().contains(a.id()) || a.toString().contains(a.csrfToken()));
        Session c = login("alice");
        assertEquals(43, c.id().length());
        assertFalse(c.toString().contains(c.id()) || c.toString().contains(c.csrfToken()));
    }

    @Test
    void ending_a_users_sessions_leaves_others() {
        Session a1 = login("alice");
        Session a2 = login("alice");
        Session b = login("bob");
        sessions.endAllOf("alice");
        assertFalse(sessions.find(a1.id()).isPresent());
        assertFalse(sessions.find(a2.id()).isPresent());
        assertTrue(sessions.find(b.id()).isPresent());
    }

    @Test
    void a_flash_is_shown_once_and_only_for_a_few_minutes() {
        Session s = login("alice");
        Flash token = new Flash.CreatedToken(new AdminController.TokenRow("t1", "ci", "signer", "today", null, null), "secret-1");
        sessions.flash(s.id(), token);
        assertEquals(token, sessions.takeFlash(s.id()).orElseThrow());
        assertTrue(sessions.takeFlash(s.id()).isEmpty());
        sessions.flash(s.id(), new Flash.CreatedUser("carol", "too late"));
        clock.advance(SessionStore.FLASH);
        assertTrue(sessions.takeFlash(s.id()).isEmpty());
    }

    @Test
    void every_kind_of_flash_comes_back_as_it_was_flashed() {
        Session s = login("alice");
        for (Flash f : List.of(new Flash.Notice("ca1", "4f1a", true, null, "3e"), new Flash.Notice("ca1", "4f1b", false, "ca1.4f1b", null),
                new Flash.CreatedUser("carol", null), new Flash.CreatedUser("dave", "generated password"),
                new Flash.CreatedToken(new AdminController.TokenRow("t2", "name", "auditor", "a", "b", "c"), "secret-2"))) {
            sessions.flash(s.id(), f);
            assertEquals(f, sessions.takeFlash(s.id()).orElseThrow());
        }
    }

    @Test
    void a_flash_is_stored_sealed_and_opens_only_for_its_own_session() throws Exception {
        Session alice = login("alice");
        Session bob = login("bob");
        sessions.flash(alice.id(), new Flash.CreatedToken(new AdminController.TokenRow("t3", "n", "admin", "x", null, null),
                "the-secret-value"));
        byte[] sealed;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("signet.db"));
             var rows = c.createStatement().executeQuery("SELECT sealed FROM ui_flash")) {
            assertTrue(rows.next());
            sealed = rows.getBytes(1);
        }
        assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("the-secret-value"));
        assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("t3"));
        // The same sealed value under bob's session (a row copied in the database) does not open.
        new UiSessions(db).putFlash(bob.id(), sealed, clock.instant().plus(SessionStore.FLASH));
        assertTrue(sessions.takeFlash(bob.id()).isEmpty());
        assertTrue(sessions.takeFlash(alice.id()).isPresent());
    }

    @Test
    void ending_a_session_drops_its_flash() {
        Session s = login("alice");
        sessions.flash(s.id(), new Flash.CreatedUser("carol", "generated password"));
        sessions.endAllOf("alice");
        assertTrue(sessions.takeFlash(s.id()).isEmpty());
    }

    private Session login(String username) {
        return sessions.openFor(username, AuditEvent.of("user:" + username, "login.success", "user", username));
    }
}
