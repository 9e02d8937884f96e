package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final LoginThrottle throttle = new LoginThrottle(clock);

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
