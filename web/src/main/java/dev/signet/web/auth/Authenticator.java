package dev.signet.web.auth;

import dev.signet.web.http.ApiException;
import dev.signet.web.http.ProblemType;
import java.time.Clock;
import java.util.Optional;

/** Turns an {@code Authorization: Bearer} header into a {@link Principal}, or refuses with 401. */
public final class Authenticator {

    private final TokenDirectory tokens;
    private final Clock clock;

    public Authenticator(TokenDirectory tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Authenticates the header's value (may be null). The detail never echoes the token. */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "send Authorization: Bearer <token>");
        }
        // Scheme, spaces, credential; by hand, as String.split(" +") compiled a pattern per request.
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "only bearer tokens are accepted");
        }
        String token = header.substring(space + 1).strip();
        if (!BearerTokens.wellFormed(token)) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "invalid token");
        }
        Optional<TokenDirectory.StoredToken> found = tokens.findByHash(BearerTokens.hash(token));
        if (found.isEmpty()) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "invalid token");
        }
        TokenDirectory.StoredToken t = found.get();
        if (t.revoked()) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "token revoked");
        }
        if (t.expires() != null && !clock.instant().isBefore(t.expires())) {
            throw new ApiException(ProblemType.UNAUTHORIZED, "token expired");
        }
        return new Principal(t.id(), t.name(), t.role(), t.identities());
    }
}
