package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.Storage;
import dev.signet.ca.UiSessions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginThrottleTest {

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Storage db;
    LoginThrottle throttle;

    @BeforeEach
    void open() {
        db = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(dir.resolve("signet.db")));
        throttle = new LoginThrottle(new UiSessions(db), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void two_nodes_on_one_database_count_the_same_failures() {
        try (Storage other = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(dir.resolve("signet.db")))) {
            LoginThrottle otherNode = new LoginThrottle(new UiSessions(other), clock);
            for (int i = 0; i < LoginThrottle.PER_USER; i++) {
                (i % 2 == 0 ? throttle : otherNode).failed("dave", "10.1.0." + i);
            }
            assertTrue(otherNode.wait("dave", "10.9.9.9").compareTo(Duration.ZERO) > 0);
            assertTrue(throttle.wait("dave", "10.9.9.9").compareTo(Duration.ZERO) > 0);
            otherNode.succeeded("dave");
            assertEquals(Duration.ZERO, throttle.wait("dave", "10.9.9.9"));
        }
    }

    @Test
    void a_user_name_is_locked_after_five_failures_until_the_oldest_leaves_the_window() {
        for (int i = 0; i < LoginThrottle.PER_USER; i++) {
            assertEquals(Duration.ZERO, throttle.wait("Alice", "10.0.0." + i));
            throttle.failed("alice", "10.0.0." + i);
            clock.advance(Duration.ofMinutes(1));
        }
        // Failures at minutes 0..4, now minute 5: the first leaves the 15-minute window at minute 15.
        // Any address, any case of the name.
        assertEquals(Duration.ofMinutes(10), throttle.wait("ALICE", "10.9.9.9"));
        assertEquals(Duration.ZERO, throttle.wait("bob", "10.9.9.9"));
        clock.advance(Duration.ofMinutes(9));
        assertEquals(Duration.ofMinutes(1), throttle.wait("alice", "10.9.9.9"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Duration.ZERO, throttle.wait("alice", "10.9.9.9"));
    }

    @Test
    void an_address_is_locked_after_twenty_failures_whatever_the_names() {
        for (int i = 0; i < LoginThrottle.PER_CLIENT; i++) {
            throttle.failed("user" + i, "192.0.2.1");
        }
        assertTrue(throttle.wait("someone-new", "192.0.2.1").compareTo(Duration.ZERO) > 0);
        assertEquals(Duration.ZERO, throttle.wait("someone-new", "192.0.2.2"));
    }

    @Test
    void a_success_clears_the_user_names_failures() {
        for (int i = 0; i < LoginThrottle.PER_USER - 1; i++) {
            throttle.failed("carol", "198.51.100.1");
        }
        throttle.succeeded("carol");
        throttle.failed("carol", "198.51.100.1");
        assertEquals(Duration.ZERO, throttle.wait("carol", "198.51.100.1"));
    }
}
