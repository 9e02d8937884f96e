package dev.signet.web.auth;

import java.util.EnumSet;
import java.util.Set;

/** Who may call a route: anyone (public PKI endpoints, health), or holders of one of the roles. */
public record Access(boolean isPublic, Set<Role> roles) {

    public static final Access PUBLIC = new Access(true, Set.of());

    public Access {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public static Access roles(Role first, Role... rest) {
        return new Access(false, EnumSet.of(first, rest));
    }

    public boolean allows(Role role) {
        return isPublic || roles.contains(role);
    }

    /** The roles allowed, for a refusal's message: "role officer", "role admin, officer or auditor". */
    public String describeRoles() {
        return Role.describe(roles);
    }

    /** Of the roles allowed, the one with least privilege: the one to suggest. */
    public Role leastPrivileged() {
        return Role.leastPrivileged(roles);
    }
}
