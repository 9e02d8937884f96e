package dev.signet.web.auth;

import dev.signet.ca.Accounts;
import dev.signet.ca.ApiToken;
import java.util.List;
import java.util.Optional;

/** Tokens from {@link Accounts}. */
public final class StoreTokenDirectory implements TokenDirectory {

    private final Accounts access;

    public StoreTokenDirectory(Accounts access) {
        this.access = access;
    }

    @Override
    public Optional<StoredToken> findByHash(String sha256Hex) {
        return access.findByHash(sha256Hex).map(StoreTokenDirectory::toStored);
    }

    private static StoredToken toStored(ApiToken t) {
        return new StoredToken(t.id(), t.name(), Role.parse(t.role()), List.copyOf(t.identities()), t.expires(), t.revoked() != null);
    }
}
