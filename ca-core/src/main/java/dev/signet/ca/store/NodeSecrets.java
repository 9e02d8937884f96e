package dev.signet.ca.store;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random keys all nodes must share and that guard nothing of lasting value, such as the HMAC key of
 * the pre-login form's CSRF token (a forged one still needs the password). Whichever node asks
 * first makes the key, and everyone reads the one that won. Keys that protect data belong in the
 * HSM, not here.
 */
public final class NodeSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public NodeSecrets(Database db) {
        this.db = db;
    }

    /** The 32-byte key named {@code name}, made now if no node has made it yet. */
    public byte[] key(String name) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        return Base64.getDecoder().decode(SharedValues.agree(db, "secret:" + name, Base64.getEncoder().encodeToString(fresh)));
    }
}
