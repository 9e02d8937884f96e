package dev.signet.web.auth;

import java.util.List;

/**
 * Who made a request: the token's id and name (never the token itself), its role and, for a
 * signer, the identities it may sign with.
 */
public record Principal(String tokenId, String name, Role role, List<String> identities) {

    public Principal {
        identities = List.copyOf(identities);
    }

    /** How the audit chain names this caller. */
    public String actor() {
        return "token:" + tokenId + (name == null || name.isEmpty() ? "" : " (" + name + ")");
    }
}
