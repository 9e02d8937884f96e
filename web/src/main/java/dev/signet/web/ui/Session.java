package dev.signet.web.ui;

import java.time.Instant;

/**
 * A server-side UI session of a logged-in user; logging in always makes a new one under a new id.
 * {@code toString} leaves the id and token out.
 */
record Session(String id, String username, String csrfToken, Instant created, Instant lastSeen, Instant expires) {

    @Override
    public String toString() {
        return "Session[username=" + username + ", created=" + created + ", expires=" + expires + "]";
    }
}
