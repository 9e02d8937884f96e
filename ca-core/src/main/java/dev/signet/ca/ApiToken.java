package dev.signet.ca;

import java.time.Instant;
import java.util.Set;

/**
 * An API token as stored: never the token itself, only its SHA-256. {@code identities} are the
 * signer identities a {@code signer} token may use; {@code expires} and {@code revoked} may be null.
 */
public record ApiToken(String id, String name, String role, Set<String> identities, Instant created,
        Instant expires, Instant revoked) {

    public ApiToken {
        identities = Set.copyOf(identities);
    }

    /** Whether the token may be used at {@code now}. */
    public boolean activeAt(Instant now) {
        return revoked == null && (expires == null || now.isBefore(expires));
    }
}
