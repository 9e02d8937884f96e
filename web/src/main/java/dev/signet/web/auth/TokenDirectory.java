package dev.signet.web.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What authentication needs from the token store: a lookup by the token's hash. */
public interface TokenDirectory {

    Optional<StoredToken> findByHash(String sha256Hex);

    /** A token as stored: never the token itself, only its hash. */
    record StoredToken(String id, String name, Role role, String sha256Hex, List<String> identities,
                       Instant expires, boolean revoked) {}
}
