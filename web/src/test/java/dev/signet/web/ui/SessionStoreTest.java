package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionStoreTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SessionStore sessions = new SessionStore(clock);

    @Test
    void a_session_ends_after_thirty_idle_minutes() {
        Session s = sessions.openFor("alice").orElseThrow();
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.find(s.id()).isPresent(), "each request restarts the idle time");
        clock.advance(SessionStore.IDLE);
        assertFalse(sessions.find(s.id()).isPresent());
    }

    @Test
    void a_session_ends_eight_hours_after_login_however_busy() {
        Session s = sessions.openFor("alice").orElseThrow();
        for (int i = 0; i < 8 * 4 - 1; i++) {
            clock.advance(Duration.ofMinutes(15));
            assertTrue(sessions.find(s.id()).isPresent());
        }
        clock.advance(Duration.ofMinutes(15));
        assertFalse(sessions.find(s.id()).isPresent());
    }

    @Test
    void ids_and_csrf_tokens_are_random_and_distinct() {
        Session a = sessions.openAnonymous().orElseThrow();
        Session b = sessions.openAnonymous().orElseThrow();
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrfToken(), b.csrfToken());
        assertNotEquals(a.id(), a.csrfToken());
        assertEquals(43, a.id().length());
        assertFalse(a.toString().contains(a.id()) || a.toString().contains(a.csrfToken()));
    }

    @Test
    void anonymous_sessions_are_capped_and_expired_ones_make_room() {
        for (int i = 0; i < SessionStore.MAX_SESSIONS; i++) {
            assertTrue(sessions.openAnonymous().isPresent());
        }
        assertTrue(sessions.openAnonymous().isEmpty());
        clock.advance(SessionStore.ANONYMOUS);
        assertTrue(sessions.openAnonymous().isPresent());
        assertEquals(1, sessions.size());
    }

    @Test
    void ending_a_users_sessions_leaves_others() {
        Session a1 = sessions.openFor("alice").orElseThrow();
        Session a2 = sessions.openFor("alice").orElseThrow();
        Session b = sessions.openFor("bob").orElseThrow();
        sessions.endAllOf("alice");
        assertFalse(sessions.find(a1.id()).isPresent());
        assertFalse(sessions.find(a2.id()).isPresent());
        assertTrue(sessions.find(b.id()).isPresent());
    }
}
