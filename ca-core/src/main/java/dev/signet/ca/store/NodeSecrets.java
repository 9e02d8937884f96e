package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.NODE_SECRET;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random keys all nodes must share and that guard nothing of lasting value, such as the HMAC key of
 * the pre-login form's CSRF token (a forged one still needs the password). Whichever node asks
 * first makes the key; the insert ignores a row that another node made meanwhile, and everyone then
 * reads the one that won. Keys that protect data belong in the HSM, not here.
 */
public final class NodeSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public NodeSecrets(Database db) {
        this.db = db;
    }

    /** The 32-byte key named {@code name}, made now if no node has made it yet. */
    public byte[] key(String name) {
        Checks.notBlank(name, "secret name");
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        String encoded = Base64.getEncoder().encodeToString(fresh);
        db.write(w -> w.tx().insertInto(NODE_SECRET).set(NODE_SECRET.NAME, name).set(NODE_SECRET.SECRET, encoded)
                .set(NODE_SECRET.CREATED_AT, w.now().toEpochMilli()).onDuplicateKeyIgnore().execute());
        String stored = db.readOne(dsl -> dsl.select(NODE_SECRET.SECRET).from(NODE_SECRET).where(NODE_SECRET.NAME.eq(name))
                .fetchOne(NODE_SECRET.SECRET));
        return Base64.getDecoder().decode(stored);
    }
}
