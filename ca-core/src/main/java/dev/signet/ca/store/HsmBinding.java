package dev.signet.ca.store;

import dev.signet.ca.StoreException;

/**
 * Binds a database to one HSM by the fingerprint of its audit key: the first start records it, and a
 * node whose HSM holds a different audit key is refused. That is what a silent split would look
 * like: a second node with the software backend on another machine (its own key directory, its own
 * new audit key), or a node pointed at the wrong PKCS#11 token.
 */
public final class HsmBinding {

    static final String NAME = "audit-key-sha256";

    private final Database db;

    public HsmBinding(Database db) {
        this.db = db;
    }

    /**
     * Records {@code auditKeyFingerprint} if the database has none yet, else checks it.
     * @throws StoreException naming both fingerprints if this HSM's audit key is not the database's
     */
    public void check(String auditKeyFingerprint, String backend) {
        // A read-only node cannot record; it starts only on a database that a full node bound already.
        String bound = db.readOnly() ? SharedValues.find(db, NAME).orElseThrow(() -> new StoreException(
                "no full node has started on this database yet: start one before a read-only node"))
                : SharedValues.agree(db, NAME, auditKeyFingerprint);
        if (!bound.equals(auditKeyFingerprint)) {
            throw new StoreException("this node's HSM (" + backend + ") holds another audit key (SHA-256 " + auditKeyFingerprint
                    + ") than the one this database was made with (" + bound + "): every node of one Signet must use the same "
                    + "HSM. The software backend keeps its keys in one machine's data directory, so several nodes need the "
                    + "pkcs11 backend on one shared token (see README, Several nodes)");
        }
    }
}
