package dev.signet.ca.store;

import dev.signet.hsm.SigningKeys;
import dev.signet.hsm.KeyPurpose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.audit.AuditChain;
import dev.signet.ca.audit.AuditSigner;
import dev.signet.ca.audit.AuditVerification;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampers with the audit tables behind the store's back, with plain JDBC as an attacker with
 * file access would, and checks that verification names the first entry that no longer fits.
 */
class AuditChainTamperTest {

    /** One HSM for the class: opening it runs the (deliberately slow) passphrase KDF. */
    @TempDir
    static Path keys;

    private static Hsm hsm;
    private static AuditSigner signer;

    @TempDir
    Path dir;

    private Path file;

    @BeforeAll
    static void openHsm() {
        hsm = Hsms.open(new HsmConfig.Software(keys.resolve("keys"),
                new SecretSource.Env("SIGNET_TEST_PASSPHRASE", Map.of("SIGNET_TEST_PASSPHRASE", "correct horse battery"))));
        SigningKeys auditKeys = hsm.signingKeys(KeyPurpose.AUDIT);
        signer = new AuditSigner(auditKeys, auditKeys.generate("audit", KeyAlgorithm.EC_P256));
    }

    @AfterAll
    static void closeHsm() {
        hsm.close();
    }

    @BeforeEach
    void setUp() {
        file = dir.resolve("signet.db");
    }

    /** 20 entries (one CA, 19 certificates), checkpoints every 5 entries: at 5, 10, 15, 20 (and none at close). */
    private void writeTwentyEntries() {
        try (Database db = open()) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            CertificateStore certs = new CertificateStore(db);
            for (int i = 1; i <= 19; i++) {
                String s = Integer.toHexString(i);
                certs.store(Fixtures.cert("root", s), Fixtures.issued("root", s));
            }
        }
    }

    private Database open() {
        return Database.open(file, StoreSettings.defaults().withAuditSigner(signer, 5));
    }

    private AuditVerification verify() {
        try (Database db = open()) {
            return new AuditLog(db).verify();
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void an_untouched_chain_verifies_with_its_signed_checkpoints() {
        writeTwentyEntries();
        AuditVerification v = verify();
        assertTrue(v.intact(), String.valueOf(v.firstBreak()));
        assertEquals(20, v.entriesChecked());
        assertEquals(4, v.checkpointsChecked());
        assertEquals(20, v.lastCheckpointSeq());
    }

    @Test
    void a_changed_field_is_found_at_its_entry() throws SQLException {
        writeTwentyEntries();
        sql("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 7");
        assertBreakAt(7, verify());
    }

    @Test
    void changed_details_are_found_at_their_entry() throws SQLException {
        writeTwentyEntries();
        sql("UPDATE audit_entry SET details = '{\"profile\":\"sub-ca\"}' WHERE seq = 12");
        assertBreakAt(12, verify());
    }

    @Test
    void a_changed_time_is_found_at_its_entry() throws SQLException {
        writeTwentyEntries();
        sql("UPDATE audit_entry SET at = at + 1 WHERE seq = 3");
        assertBreakAt(3, verify());
    }

    @Test
    void a_deleted_entry_is_found_where_it_is_missing() throws SQLException {
        writeTwentyEntries();
        sql("DELETE FROM audit_entry WHERE seq = 9");
        AuditVerification v = verify();
        assertBreakAt(9, v);
        assertTrue(v.firstBreak().reason().contains("missing"), v.firstBreak().reason());
    }

    @Test
    void entries_deleted_from_the_end_are_found_through_the_signed_checkpoint() throws SQLException {
        writeTwentyEntries();
        sql("DELETE FROM audit_entry WHERE seq > 17");
        AuditVerification v = verify();
        assertBreakAt(18, v);
        assertTrue(v.firstBreak().reason().contains("missing"), v.firstBreak().reason());
    }

    @Test
    void two_swapped_entries_are_found_at_the_first_of_them() throws SQLException {
        writeTwentyEntries();
        sql("UPDATE audit_entry SET seq = -1 WHERE seq = 13");
        sql("UPDATE audit_entry SET seq = 13 WHERE seq = 14");
        sql("UPDATE audit_entry SET seq = 14 WHERE seq = -1");
        assertBreakAt(13, verify());
    }

    @Test
    void swapped_contents_keeping_seq_are_found_at_the_first_of_them() throws SQLException {
        writeTwentyEntries();
        // Move entry 4's payload and hash to 5 and back: each row keeps its seq, the order of events changes.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            Object[][] rows = new Object[2][];
            for (int i = 0; i < 2; i++) {
                try (PreparedStatement p = c.prepareStatement("SELECT at, actor, action, object_type, object_id, details, hash FROM audit_entry WHERE seq = ?")) {
                    p.setInt(1, 4 + i);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        rows[i] = new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getBytes(7)};
                    }
                }
            }
            for (int i = 0; i < 2; i++) {
                try (PreparedStatement p = c.prepareStatement("UPDATE audit_entry SET at = ?, actor = ?, action = ?, object_type = ?, object_id = ?, details = ?, hash = ? WHERE seq = ?")) {
                    Object[] r = rows[1 - i];
                    for (int k = 0; k < r.length; k++) {
                        p.setObject(k + 1, r[k]);
                    }
                    p.setInt(8, 4 + i);
                    p.executeUpdate();
                }
            }
        }
        assertBreakAt(4, verify());
    }

    @Test
    void a_rewritten_chain_with_recomputed_hashes_is_caught_by_the_signed_checkpoint() throws SQLException {
        writeTwentyEntries();
        // An attacker who edits entry 8 and recomputes every later hash keeps the chain consistent;
        // only the checkpoint signed at entry 10 (with a key the attacker does not have) catches it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.createStatement().executeUpdate("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 8");
            byte[] previous;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT hash FROM audit_entry WHERE seq = 7")) {
                rs.next();
                previous = rs.getBytes(1);
            }
            for (long seq = 8; seq <= 20; seq++) {
                try (PreparedStatement p = c.prepareStatement("SELECT at, actor, action, object_type, object_id, details FROM audit_entry WHERE seq = ?")) {
                    p.setLong(1, seq);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        previous = AuditChain.link(previous, AuditChain.content(seq, rs.getLong(1), rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                    }
                }
                try (PreparedStatement u = c.prepareStatement("UPDATE audit_entry SET hash = ? WHERE seq = ?")) {
                    u.setBytes(1, previous);
                    u.setLong(2, seq);
                    u.executeUpdate();
                }
            }
        }
        AuditVerification v = verify();
        assertBreakAt(10, v);
        assertTrue(v.firstBreak().reason().contains("checkpoint"), v.firstBreak().reason());
    }

    @Test
    void a_forged_checkpoint_signature_is_detected() throws SQLException {
        writeTwentyEntries();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement p = c.prepareStatement("UPDATE audit_checkpoint SET signature = ? WHERE seq = 15")) {
            // A well-formed ECDSA signature by another key over the same statement.
            SigningKeys auditKeys = hsm.signingKeys(KeyPurpose.AUDIT);
            dev.signet.hsm.ScopedSigner other = auditKeys.generate("not-audit", KeyAlgorithm.EC_P256);
            byte[] hash;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT hash FROM audit_checkpoint WHERE seq = 15")) {
                rs.next();
                hash = rs.getBytes(1);
            }
            p.setBytes(1, new AuditSigner(auditKeys, other).sign(15, hash, Fixtures.T0).signature());
            p.executeUpdate();
        }
        AuditVerification v = verify();
        assertBreakAt(15, v);
        assertTrue(v.firstBreak().reason().contains("signature"), v.firstBreak().reason());
    }

    @Test
    void a_checkpoint_made_on_demand_covers_the_newest_entries() {
        try (Database db = open()) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            AuditLog log = new AuditLog(db);
            assertEquals(0, log.verify().lastCheckpointSeq());
            assertEquals(1, log.checkpoint());
            assertEquals(1, log.verify().lastCheckpointSeq());
            assertEquals(1, log.checkpoints().size());
            assertEquals("audit", log.checkpoints().get(0).keyLabel());
        }
    }

    @Test
    void a_quiet_store_signs_its_newest_entries_within_the_checkpoint_delay() throws InterruptedException {
        // Interval 1000 is never reached here: only the delay can cause the checkpoint.
        StoreSettings settings = StoreSettings.defaults().withAuditSigner(signer, 1000)
                .withCheckpointMaxDelay(java.time.Duration.ofSeconds(1));
        try (Database db = Database.open(file, settings)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            AuditLog log = new AuditLog(db);
            assertEquals(0, log.checkpoints().size(), "not yet: the delay has not passed");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (log.checkpoints().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, log.checkpoints().size());
            assertEquals(1, log.checkpoints().get(0).seq());
            assertEquals(1, log.verify().lastCheckpointSeq());
        }
    }

    @Test
    void closing_signs_a_checkpoint_over_the_last_entries() {
        try (Database db = open()) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            new CaStore(db).create(Fixtures.rootCa("sub"), AuditEvent.of("admin", "ca.create", "ca", "sub"));
        }
        AuditVerification v = verify();
        assertTrue(v.intact());
        assertEquals(2, v.lastCheckpointSeq());
    }

    @Test
    void without_an_audit_key_the_chain_is_still_checked() throws SQLException {
        try (Database db = Database.open(file)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            new CaStore(db).create(Fixtures.rootCa("sub"), AuditEvent.of("admin", "ca.create", "ca", "sub"));
            assertTrue(new AuditLog(db).verify().intact());
        }
        sql("UPDATE audit_entry SET object_id = 'other' WHERE seq = 2");
        try (Database db = Database.open(file)) {
            AuditVerification v = new AuditLog(db).verify();
            assertFalse(v.intact());
            assertEquals(2, v.firstBreak().seq());
        }
    }

    private static void assertBreakAt(long seq, AuditVerification v) {
        assertNotNull(v.firstBreak(), "verification should have found the tampering");
        assertEquals(seq, v.firstBreak().seq(), v.firstBreak().reason());
    }

}
