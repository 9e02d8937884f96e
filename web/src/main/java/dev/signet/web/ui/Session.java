package dev.signet.web.ui;

import java.time.Instant;

/**
 * A server-side UI session. Before login it is anonymous ({@code username} null), held in memory only
 * and exists only to carry the login form's CSRF token; logging in replaces it with a new, stored
 * one under a new id.
 * {@code toString} leaves the id and token out.
 */
record Session(String id, String username, String csrfToken, Instant created, Instant lastSeen, Instant expires) {

    boolean anonymous() {
        return username == null;
    }

    @Override
    public String toString() {
        return "Session[username=" + username + ", created=" + created + ", expires=" + expires + "]";
    }
}
