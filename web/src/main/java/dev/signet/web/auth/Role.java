package dev.signet.web.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Who may do what (least privilege). Names are the contract's, in lower case. */
public enum Role {
    /** CAs, profiles, users and tokens. */
    ADMIN,
    /** Issue and revoke certificates. */
    OFFICER,
    /** Sign documents with the signer identities granted to the token. */
    SIGNER,
    /** Read-only, including the audit log. */
    AUDITOR;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "role officer", "role admin, officer or auditor": the roles in this enum's order. */
    public static String describe(Collection<Role> roles) {
        List<String> ids = Arrays.stream(values()).filter(roles::contains).map(Role::id).toList();
        if (ids.size() <= 1) {
            return "role " + String.join("", ids);
        }
        return "role " + String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
    }

    /** Of {@code roles}, the one with least privilege (declared last). */
    public static Role leastPrivileged(Collection<Role> roles) {
        Role least = null;
        for (Role r : values()) {
            if (roles.contains(r)) {
                least = r;
            }
        }
        return least;
    }

    /** Parses {@code admin}, {@code officer}, {@code signer} or {@code auditor}. */
    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.id().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Role::id).toList());
    }
}
