package dev.signet.ca;

import dev.signet.ca.store.Checks;
import java.time.Instant;

/**
 * A logged-in web UI session as stored: whose it is, the CSRF token its forms carry, when it was
 * opened, when it was last seen (to within {@link UiSessions#TOUCH_INTERVAL}) and when it ends
 * however busy. The session id is not part of it: the store keeps only the id's hash.
 * {@code toString} leaves the CSRF token out.
 */
public record UiSessionRecord(String username, String csrfToken, Instant created, Instant lastSeen, Instant expires) {

    public UiSessionRecord {
        Checks.notBlank(username, "user name");
        Checks.notBlank(csrfToken, "CSRF token");
        Checks.notNull(created, "creation time");
        Checks.notNull(lastSeen, "last-seen time");
        Checks.notNull(expires, "expiry");
    }

    @Override
    public String toString() {
        return "UiSessionRecord[username=" + username + ", created=" + created + ", lastSeen=" + lastSeen
                + ", expires=" + expires + "]";
    }
}
