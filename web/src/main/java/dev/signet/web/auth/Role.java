package dev.signet.web.auth;

import java.util.Arrays;
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
