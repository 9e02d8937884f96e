package dev.signet.web.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What authentication needs from the token store: a lookup by the SHA-256 of the presented token.
 * Looking up by hash (an exact index probe) rather than comparing secrets means response timing
 * can reveal at most a prefix of a hash, which does not help anyone find a token.
 */
public interface TokenDirectory {

    Optional<StoredToken> findByHash(String sha256Hex);

    /** A token as stored: never the token itself, only its hash. */
    record StoredToken(String id, String name, Role role, List<String> identities,
                       Instant expires, boolean revoked) {}
}
