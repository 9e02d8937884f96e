package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.API_TOKEN;
import static dev.signet.ca.store.schema.Tables.APP_USER;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;
import static dev.signet.ca.store.schema.Tables.USER_IDENTITY_GRANT;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.ApiToken;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.IssuedToken;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.UserRecord;
import dev.signet.ca.VisibleText;
import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.schema.tables.records.ApiTokenRow;
import dev.signet.ca.store.schema.tables.records.AppUserRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * API tokens and UI users. Tokens are stored only as SHA-256 hashes and found by hash; a token has
 * 256 random bits, so a plain hash (no salt, no slow KDF) is enough and lets lookup be one index
 * probe. Every change writes its audit entry in the same transaction.
 */
public final class AccessStore {

    public static final Set<String> ROLES = Set.of("admin", "officer", "signer", "auditor");
    /** A token name is for people to recognise it by: the UI's bound. */
    public static final int MAX_NAME = 100;
    /** Identities one signer token may use. */
    public static final int MAX_IDENTITIES = 100;

    /** Tokens start with this, so that a leaked one is recognisable (and secret scanners can find it). */
    public static final String TOKEN_PREFIX = "sgt_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final TokenCache cache;

    public AccessStore(Database db) {
        this(db, System::nanoTime);
    }

    AccessStore(Database db, LongSupplier nanoTime) {
        this.db = db;
        this.cache = new TokenCache(nanoTime);
    }

    /**
     * Creates a token and returns its secret, which is not stored. {@code identities} are allowed
     * only for {@code signer} tokens; {@code expires} may be null (no expiry).
     */
    public IssuedToken createToken(String name, String role, Set<String> identities, Instant expires, String actor) {
        VisibleText.name(name, "token name", MAX_NAME);
        Checks.oneOf(role, "role", ROLES.toArray(String[]::new));
        Set<String> ids = new TreeSet<>(identities == null ? Set.of() : identities);
        if (ids.size() > MAX_IDENTITIES) {
            throw new InvalidRecordException("a token is granted at most " + MAX_IDENTITIES + " identities");
        }
        for (String id : ids) {
            VisibleText.name(id, "an identity", 200);
        }
        if (!ids.isEmpty() && !"signer".equals(role)) {
            throw new InvalidRecordException("only signer tokens are granted identities");
        }
        if (expires != null && expires.isAfter(Checks.LATEST)) {
            throw new InvalidRecordException("expires must be before " + Checks.LATEST);
        }
        Checks.notBlank(actor, "actor");
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String id = UUID.randomUUID().toString();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("role", role);
        details.put("identities", List.copyOf(ids));
        details.put("expires", expires == null ? null : expires.toString());
        AuditEvent event = new AuditEvent(actor, "token.create", "api-token", id, CanonicalJson.write(details));
        ApiToken token = db.write(w -> {
            for (String identity : ids) {
                requireIdentity(w, identity);
            }
            w.tx().insertInto(API_TOKEN)
                    .set(API_TOKEN.ID, id)
                    .set(API_TOKEN.NAME, name)
                    .set(API_TOKEN.ROLE, role)
                    .set(API_TOKEN.TOKEN_HASH, hash(secret))
                    .set(API_TOKEN.IDENTITIES, String.join("\n", ids))
                    .set(API_TOKEN.CREATED_AT, w.now().toEpochMilli())
                    .set(API_TOKEN.EXPIRES_AT, expires == null ? null : expires.toEpochMilli())
                    .execute();
            w.audit(event);
            return new ApiToken(id, name, role, ids, w.now(), expires, null);
        });
        return new IssuedToken(token, secret);
    }

    /** The token whose secret was presented, if any (revoked and expired ones included: check {@link ApiToken#activeAt}). */
    public Optional<ApiToken> findBySecret(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 200) {
            return Optional.empty();
        }
        return findByHash(hash(presented));
    }

    /**
     * The token with this SHA-256 (lower-case hex). Served from a short-lived cache: a revocation
     * made through another {@code AccessStore} (the command line, another node) shows here within
     * {@link TokenCache#TTL}; one made through this one at once.
     */
    public Optional<ApiToken> findByHash(String sha256Hex) {
        Optional<ApiToken> cached = cache.get(sha256Hex);
        if (cached.isPresent()) {
            return cached;
        }
        long generation = cache.generation();
        Optional<ApiToken> found = db.readOne(dsl -> dsl.selectFrom(API_TOKEN).where(API_TOKEN.TOKEN_HASH.eq(sha256Hex))
                .fetchOptional().map(AccessStore::toToken));
        found.ifPresent(t -> cache.put(sha256Hex, t, generation));
        return found;
    }

    public Optional<ApiToken> findToken(String id) {
        return db.read(dsl -> dsl.selectFrom(API_TOKEN).where(API_TOKEN.ID.eq(id)).fetchOptional().map(AccessStore::toToken));
    }

    /** All tokens, oldest first. */
    public List<ApiToken> listTokens() {
        return db.read(dsl -> dsl.selectFrom(API_TOKEN).orderBy(API_TOKEN.CREATED_AT, API_TOKEN.ID).fetch(AccessStore::toToken));
    }

    /** Revokes a token from now on. @throws NotFoundException for an unknown id */
    public void revokeToken(String id, String actor) {
        AuditEvent event = AuditEvent.of(actor, "token.revoke", "api-token", id);
        db.write(w -> {
            ApiTokenRow row = w.tx().selectFrom(API_TOKEN).where(API_TOKEN.ID.eq(id)).fetchOne();
            if (row == null) {
                throw new NotFoundException("token", id);
            }
            if (row.getRevokedAt() != null) {
                return null; // already revoked: nothing changes, nothing to audit
            }
            row.setRevokedAt(w.now().toEpochMilli());
            row.update();
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.TOKENS);
            return null;
        });
        cache.clear();
    }

    /** Forgets the cached tokens: another node revoked one ({@link NodeChanges#TOKENS} moved). */
    public void dropCachedTokens() {
        cache.clear();
    }

    /** Stores a new user. @throws AlreadyExistsException if the name is taken */
    public void createUser(UserRecord user, String actor) {
        Checks.notNull(user, "user");
        AuditEvent event = new AuditEvent(actor, "user.create", "user", user.username(),
                CanonicalJson.write(Map.of("role", user.role(), "disabled", user.disabled())));
        db.write(w -> {
            if (w.tx().fetchExists(APP_USER, APP_USER.USERNAME.eq(user.username()))) {
                throw new AlreadyExistsException("user", user.username());
            }
            w.tx().insertInto(APP_USER)
                    .set(APP_USER.USERNAME, user.username())
                    .set(APP_USER.PASSWORD_HASH, user.passwordHash())
                    .set(APP_USER.ROLE, user.role())
                    .set(APP_USER.CREATED_AT, user.created().toEpochMilli())
                    .set(APP_USER.DISABLED, user.disabled())
                    .execute();
            w.audit(event);
            return null;
        });
    }

    /** Replaces a user's password hash, role and disabled flag. @throws NotFoundException for an unknown user */
    public void updateUser(UserRecord user, String actor) {
        Checks.notNull(user, "user");
        db.write(w -> {
            AppUserRow row = w.tx().selectFrom(APP_USER).where(APP_USER.USERNAME.eq(user.username())).fetchOne();
            if (row == null) {
                throw new NotFoundException("user", user.username());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("role", user.role());
            details.put("disabled", user.disabled());
            details.put("passwordChanged", !row.getPasswordHash().equals(user.passwordHash()));
            row.setPasswordHash(user.passwordHash());
            row.setRole(user.role());
            row.setDisabled(user.disabled());
            row.update();
            w.audit(new AuditEvent(actor, "user.update", "user", user.username(), CanonicalJson.write(details)));
            return null;
        });
    }

    public Optional<UserRecord> findUser(String username) {
        return db.read(dsl -> dsl.selectFrom(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchOptional()
                .map(AccessStore::toUser));
    }

    public List<UserRecord> listUsers() {
        return db.read(dsl -> dsl.selectFrom(APP_USER).orderBy(APP_USER.USERNAME).fetch(AccessStore::toUser));
    }

    /**
     * Grants a UI user of role {@code signer} the use of a signer identity ({@code caId.serial}).
     * Granting one it holds already changes nothing and audits nothing.
     *
     * @throws NotFoundException      for an unknown user
     * @throws InvalidRecordException for a user who is not a signer, an unknown identity, or one grant too many
     */
    public void grantIdentity(String username, String identity, String actor) {
        VisibleText.name(identity, "an identity", 200);
        Checks.notBlank(actor, "actor");
        AuditEvent event = new AuditEvent(actor, "user.identity.grant", "user", username,
                CanonicalJson.write(Map.of("identity", identity)));
        db.write(w -> {
            AppUserRow user = w.tx().selectFrom(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchOne();
            if (user == null) {
                throw new NotFoundException("user", username);
            }
            if (!"signer".equals(user.getRole())) {
                throw new InvalidRecordException("only signer users are granted identities (" + username + " is " + user.getRole() + ")");
            }
            requireIdentity(w, identity);
            if (w.tx().fetchExists(USER_IDENTITY_GRANT, USER_IDENTITY_GRANT.USERNAME.eq(username)
                    .and(USER_IDENTITY_GRANT.IDENTITY_ID.eq(identity)))) {
                return null;
            }
            if (w.tx().fetchCount(USER_IDENTITY_GRANT, USER_IDENTITY_GRANT.USERNAME.eq(username)) >= MAX_IDENTITIES) {
                throw new InvalidRecordException("a user is granted at most " + MAX_IDENTITIES + " identities");
            }
            w.tx().insertInto(USER_IDENTITY_GRANT)
                    .set(USER_IDENTITY_GRANT.USERNAME, username)
                    .set(USER_IDENTITY_GRANT.IDENTITY_ID, identity)
                    .set(USER_IDENTITY_GRANT.GRANTED_AT, w.now().toEpochMilli())
                    .set(USER_IDENTITY_GRANT.GRANTED_BY, actor)
                    .execute();
            w.audit(event);
            return null;
        });
    }

    /** Withdraws a grant; withdrawing one the user does not hold changes nothing and audits nothing. */
    public void revokeIdentity(String username, String identity, String actor) {
        Checks.notBlank(actor, "actor");
        AuditEvent event = new AuditEvent(actor, "user.identity.revoke", "user", username,
                CanonicalJson.write(Map.of("identity", identity == null ? "" : identity)));
        db.write(w -> {
            int removed = w.tx().deleteFrom(USER_IDENTITY_GRANT).where(USER_IDENTITY_GRANT.USERNAME.eq(username)
                    .and(USER_IDENTITY_GRANT.IDENTITY_ID.eq(identity))).execute();
            if (removed > 0) {
                w.audit(event);
            }
            return null;
        });
    }

    /** The identities a UI user may sign with, sorted. */
    public List<String> identitiesOf(String username) {
        return db.read(dsl -> dsl.select(USER_IDENTITY_GRANT.IDENTITY_ID).from(USER_IDENTITY_GRANT)
                .where(USER_IDENTITY_GRANT.USERNAME.eq(username)).orderBy(USER_IDENTITY_GRANT.IDENTITY_ID)
                .fetch(USER_IDENTITY_GRANT.IDENTITY_ID));
    }

    /** {caId}.{serial}: a certificate this store holds (its key is in the HSM, which this store cannot see). */
    private static void requireIdentity(WriteContext w, String identity) {
        int dot = identity.lastIndexOf('.');
        boolean known = dot > 0 && w.tx().fetchExists(CERTIFICATE, CERTIFICATE.CA_ID.eq(identity.substring(0, dot))
                .and(CERTIFICATE.SERIAL.eq(identity.substring(dot + 1))).and(CERTIFICATE.STATUS.ne("reserved")));
        if (!known) {
            throw new InvalidRecordException("no signer identity '" + identity + "'");
        }
    }

    /** SHA-256 of a token's secret, lower-case hex: what the store keeps and looks up. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiToken toToken(ApiTokenRow r) {
        String ids = r.getIdentities();
        return new ApiToken(r.getId(), r.getName(), r.getRole(),
                ids.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(ids.split("\n"))),
                Instant.ofEpochMilli(r.getCreatedAt()),
                r.getExpiresAt() == null ? null : Instant.ofEpochMilli(r.getExpiresAt()),
                r.getRevokedAt() == null ? null : Instant.ofEpochMilli(r.getRevokedAt()));
    }

    private static UserRecord toUser(AppUserRow r) {
        return new UserRecord(r.getUsername(), r.getPasswordHash(), r.getRole(), Instant.ofEpochMilli(r.getCreatedAt()),
                r.getDisabled());
    }
}
