package dev.signet.web.ui;

import java.time.Instant;

/**
 * A server-side UI session. Before login it is anonymous ({@code username} null) and exists only to
 * carry the login form's CSRF token; logging in replaces it with a new one under a new id.
 * {@code toString} leaves the id and token out.
 */
record Session(String id, String username, String csrfToken, Instant created, Instant lastSeen, Instant expires) {

    boolean anonymous() {
        return username == null;
    }

    Session seen(Instant now) {
        return new Session(id, username, csrfToken, created, now, expires);
    }

    @Override
    public String toString() {
        return "Session[username=" + username + ", created=" + created + ", expires=" + expires + "]";
    }
}
