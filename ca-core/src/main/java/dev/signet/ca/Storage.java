package dev.signet.ca;

import dev.signet.ca.store.Database;
import dev.signet.ca.store.DatabaseSnapshot;
import dev.signet.ca.store.HsmBinding;
import dev.signet.ca.store.NodeChanges;
import dev.signet.ca.store.NodeSecrets;
import dev.signet.ca.store.OwnerOnly;
import dev.signet.ca.store.StartLock;
import dev.signet.ca.store.StoreSettings;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The opened database of one node ({@link DatabaseConfig}: a SQLite file, or a PostgreSQL database
 * that several nodes share), and what a node does with it as a whole: bind it to the HSM, share
 * keys and change generations with the other nodes, check it answers, copy it. The facades over
 * its records ({@link CertificateAuthorities}, {@link Revocations}, {@link Accounts},
 * {@link UiSessions}, {@link AuditTrail}, {@link CaRecords}) are made from it; close it last.
 */
public final class Storage implements AutoCloseable {

    /** Change topic: a CA was created, retired, or got its certificate. */
    public static final String TOPIC_CAS = NodeChanges.CAS;
    /** Change topic: an operator reloaded the profile directory. */
    public static final String TOPIC_PROFILES = NodeChanges.PROFILES;
    /** Change topic: an API token was revoked. */
    public static final String TOPIC_TOKENS = NodeChanges.TOKENS;
    /** Change topic: a TSA was re-keyed, retired, or got its certificate. */
    public static final String TOPIC_TSAS = NodeChanges.TSAS;

    /** The longest a node that signs checkpoints leaves an audit entry unsigned (the default delay). */
    public static final Duration CHECKPOINT_MAX_DELAY = StoreSettings.defaults().checkpointMaxDelay();

    private final Database db;

    private Storage(Database db) {
        this.db = db;
    }

    /**
     * Opens the database of a full node (creating a SQLite file if needed, migrating the schema),
     * whose audit key {@code auditKey} signs a checkpoint every {@code checkpointInterval} entries
     * and at the latest {@link #CHECKPOINT_MAX_DELAY} after an entry; older checkpoints are checked
     * with the other keys of {@code auditKeys}.
     */
    public static Storage open(DatabaseConfig config, SigningKeys auditKeys, ScopedSigner auditKey, int checkpointInterval) {
        return new Storage(Database.open(config, StoreSettings.defaults().withAuditKey(auditKeys, auditKey, checkpointInterval)));
    }

    /**
     * Opens the database without an audit key (the commands that change one record, or verify):
     * their entries are covered by the next checkpoint a full node signs.
     */
    public static Storage openWithoutAuditKey(DatabaseConfig config) {
        return new Storage(Database.open(config, StoreSettings.defaults()));
    }

    /**
     * Opens an existing database for a node that only reads (a responder): no migration, no audit
     * key, and every write refused before it reaches the database.
     */
    public static Storage openReadOnly(DatabaseConfig config) {
        return new Storage(Database.openReadOnly(config));
    }

    /**
     * Runs {@code work} holding the start lock of {@code database}, taken before the database is
     * opened, so that of several nodes starting at once on an empty database one makes the audit
     * key, the first CAs and the admin token, and the others wait and find them.
     */
    public static <T> T underStartLock(DatabaseConfig database, Supplier<T> work) {
        try (StartLock lock = StartLock.acquire(database)) {
            return work.get();
        }
    }

    /**
     * Creates {@code dir} (and missing parents) for the owner only, or repairs its mode if others
     * may read it: a data directory holds the database, with password, token and session hashes.
     */
    public static void createPrivateDirectory(Path dir) throws IOException {
        OwnerOnly.directory(dir);
    }

    /** Whether this node only reads (see {@link #openReadOnly}). */
    public boolean readOnly() {
        return db.readOnly();
    }

    /** The SQLite file. @throws IllegalStateException for a PostgreSQL database, which has none */
    public Path file() {
        return db.file();
    }

    /**
     * Checks that the database can serve: the writer is running and a read connection answers.
     * @throws StoreException if not
     */
    public void check() {
        db.check();
    }

    /** How many write transactions have committed since the database was opened (for tests and benchmarks). */
    public long commitCount() {
        return db.commitCount();
    }

    /**
     * Binds the database to this node's HSM by the SHA-256 of its audit key: the first full node
     * records it, every later node must present the same.
     * @throws StoreException naming both fingerprints if this HSM's audit key is not the database's
     */
    public void bindToHsm(String auditKeyFingerprint, String backend) {
        new HsmBinding(db).check(auditKeyFingerprint, backend);
    }

    /**
     * The random 32-byte key named {@code name} that every node shares, made now if no node has
     * made it yet. For keys that guard nothing of lasting value (the pre-login form's CSRF key):
     * keys that protect data belong in the HSM.
     */
    public byte[] sharedKey(String name) {
        return new NodeSecrets(db).key(name);
    }

    /**
     * The generation of each change topic ({@code TOPIC_*}), in one read: a node drops what it
     * cached for a topic whose generation moved since it last looked.
     */
    public Map<String, Long> changeGenerations() {
        return new NodeChanges(db).generations();
    }

    /**
     * Records an event that changes only what nodes hold in memory (a profile reload): its audit
     * entry and the bump of {@code topic} in one transaction.
     */
    public void recordChange(AuditEvent event, String topic) {
        new NodeChanges(db).record(event, topic);
    }

    /**
     * Writes a consistent copy of the SQLite database to {@code target}, which must not exist, while
     * the writers go on; returns the seq of the last audit entry in the copy (0 for an empty chain).
     */
    public long snapshotInto(Path target) {
        return DatabaseSnapshot.take(db, target).auditHeadSeq();
    }

    /** The database, for the facades of this package. */
    Database database() {
        return db;
    }

    /** Finishes queued writes (and signs a final checkpoint if an audit key is set), then closes. */
    @Override
    public void close() {
        db.close();
    }
}
