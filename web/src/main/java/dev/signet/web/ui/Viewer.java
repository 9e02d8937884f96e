package dev.signet.web.ui;

import dev.signet.web.auth.Role;
import java.util.Set;

/**
 * The person a UI page is rendered for: their user name, role (read from the store on every
 * request, so a change applies at once) and the session's CSRF token, which every form carries.
 * {@code toString} leaves the token out.
 */
public record Viewer(String username, Role role, String csrfToken) {

    /** How the audit chain names this person. */
    public String actor() {
        return "user:" + username;
    }

    public boolean is(Set<Role> roles) {
        return roles.contains(role);
    }

    public boolean canRead() {
        return is(UiAccess.READ);
    }

    public boolean canIssue() {
        return is(UiAccess.OFFICER);
    }

    public boolean canSign() {
        return is(UiAccess.SIGN);
    }

    public boolean canAudit() {
        return is(UiAccess.AUDIT);
    }

    public boolean isAdmin() {
        return is(UiAccess.ADMIN);
    }

    @Override
    public String toString() {
        return "Viewer[username=" + username + ", role=" + role + "]";
    }
}
