package dev.signet.ca;

import dev.signet.ca.store.AccessStore;
import dev.signet.ca.store.Checks;
import java.time.Instant;

/**
 * A web UI user. {@code passwordHash} is the encoded hash string (scrypt or Argon2id, with its
 * parameters and salt) made by the caller; the store never sees a password. {@code toString}
 * leaves the hash out.
 */
public record UserRecord(String username, String passwordHash, String role, Instant created, boolean disabled) {

    public UserRecord {
        Checks.notBlank(username, "user name");
        Checks.notBlank(passwordHash, "password hash");
        Checks.oneOf(role, "role", AccessStore.ROLES.toArray(String[]::new));
        Checks.notNull(created, "creation time");
    }

    @Override
    public String toString() {
        return "UserRecord[username=" + username + ", role=" + role + ", created=" + created + ", disabled=" + disabled + "]";
    }
}
