package dev.signet.ca;

import dev.signet.ca.store.AccessStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call Signet: API tokens and web UI users, with the signer identities each may use.
 * A token is stored only as the SHA-256 of its secret; every change is audited in its own
 * transaction. Make one per process: token lookups are cached here for a moment (a revocation
 * through this instance shows at once, one made elsewhere within seconds, or at once after
 * {@link #dropCachedTokens}).
 */
public final class Accounts {

    /** Tokens start with this, so that a leaked one is recognisable (and secret scanners can find it). */
    public static final String TOKEN_PREFIX = AccessStore.TOKEN_PREFIX;
    /** The longest token name. */
    public static final int MAX_NAME = AccessStore.MAX_NAME;
    /** The most identities one signer token or user may use. */
    public static final int MAX_IDENTITIES = AccessStore.MAX_IDENTITIES;

    private final AccessStore access;

    public Accounts(Storage storage) {
        this.access = new AccessStore(storage.database());
    }

    /** SHA-256 of a token's secret, lower-case hex: what is stored and looked up. */
    public static String tokenHash(String secret) {
        return AccessStore.hash(secret);
    }

    /**
     * Creates a token and returns its secret, which is not stored. {@code identities} are allowed
     * only for {@code signer} tokens; {@code expires} may be null (no expiry).
     */
    public IssuedToken createToken(String name, String role, Set<String> identities, Instant expires, String actor) {
        return access.createToken(name, role, identities, expires, actor);
    }

    /** The token whose secret was presented, if any (revoked and expired ones included: check {@link ApiToken#activeAt}). */
    public Optional<ApiToken> findBySecret(String presented) {
        return access.findBySecret(presented);
    }

    /** The token with this SHA-256 (lower-case hex, see {@link #tokenHash}), from the short-lived cache if it is there. */
    public Optional<ApiToken> findByHash(String sha256Hex) {
        return access.findByHash(sha256Hex);
    }

    public Optional<ApiToken> findToken(String id) {
        return access.findToken(id);
    }

    /** All tokens, oldest first. */
    public List<ApiToken> listTokens() {
        return access.listTokens();
    }

    /** Revokes a token from now on. @throws NotFoundException for an unknown id */
    public void revokeToken(String id, String actor) {
        access.revokeToken(id, actor);
    }

    /** Forgets the cached tokens: another node revoked one ({@link Storage#TOPIC_TOKENS} moved). */
    public void dropCachedTokens() {
        access.dropCachedTokens();
    }

    /** Stores a new user. @throws AlreadyExistsException if the name is taken */
    public void createUser(UserRecord user, String actor) {
        access.createUser(user, actor);
    }

    /** Replaces a user's password hash, role and disabled flag. @throws NotFoundException for an unknown user */
    public void updateUser(UserRecord user, String actor) {
        access.updateUser(user, actor);
    }

    public Optional<UserRecord> findUser(String username) {
        return access.findUser(username);
    }

    public List<UserRecord> listUsers() {
        return access.listUsers();
    }

    /**
     * Grants a UI user of role {@code signer} the use of a signer identity ({@code caId.serial});
     * granting one held already changes nothing and audits nothing.
     *
     * @throws NotFoundException      for an unknown user
     * @throws InvalidRecordException for a user who is not a signer, an unknown identity, or one grant too many
     */
    public void grantIdentity(String username, String identity, String actor) {
        access.grantIdentity(username, identity, actor);
    }

    /** Withdraws a grant; withdrawing one the user does not hold changes nothing and audits nothing. */
    public void revokeIdentity(String username, String identity, String actor) {
        access.revokeIdentity(username, identity, actor);
    }

    /** The identities a UI user may sign with, sorted. */
    public List<String> identitiesOf(String username) {
        return access.identitiesOf(username);
    }
}
