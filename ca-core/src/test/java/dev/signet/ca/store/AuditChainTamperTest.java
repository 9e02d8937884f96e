package dev.signet.ca.store;

import dev.signet.ca.AuditEvent;
import dev.signet.hsm.SigningKeys;
import dev.signet.hsm.KeyPurpose;
import dev.signet.ca.audit.AuditChain;
import dev.signet.ca.audit.AuditSigner;
import dev.signet.ca.AuditExpectations;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.ExpectedCheckpoint;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Tampers with the audit tables behind the store's back, with plain JDBC as an attacker with
 * file access would, and checks that verification names the first entry that no longer fits.
 */
class AuditChainTamperTest {

    /** One HSM for the class: opening it runs the (deliberately slow) passphrase KDF. */
    @RegisterExtension
    static final SoftwareAuditSigner AUDIT = new SoftwareAuditSigner();

    @TempDir
    Path dir;

    private Path file;

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
        return TestDatabases.open(file, StoreSettings.defaults().withAuditSigner(AUDIT.signer(), 5));
    }

    private AuditVerification verify() {
        try (Database db = open()) {
            return new AuditLog(db).verify();
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = TestDatabases.connect(file); Statement s = c.createStatement()) {
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
        try (Connection c = TestDatabases.connect(file)) {
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
        try (Connection c = TestDatabases.connect(file)) {
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
        try (Connection c = TestDatabases.connect(file);
             PreparedStatement p = c.prepareStatement("UPDATE audit_checkpoint SET signature = ? WHERE seq = 15")) {
            // A well-formed ECDSA signature by another key over the same statement.
            SigningKeys auditKeys = AUDIT.hsm().signingKeys(KeyPurpose.AUDIT);
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
        StoreSettings settings = StoreSettings.defaults().withAuditSigner(AUDIT.signer(), 1000)
                .withCheckpointMaxDelay(java.time.Duration.ofSeconds(1));
        try (Database db = TestDatabases.open(file, settings)) {
            long beforeWrite = System.nanoTime();
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            AuditLog log = new AuditLog(db);
            int early = log.checkpoints().size();
            // "Not yet" holds only while the delay has not passed since the write: a loaded machine can
            // stall the test for longer, and then a checkpoint is already (rightly) there.
            if (System.nanoTime() - beforeWrite < settings.checkpointMaxDelay().toNanos()) {
                assertEquals(0, early, "not yet: the delay has not passed");
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
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
        try (Database db = TestDatabases.open(file)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            new CaStore(db).create(Fixtures.rootCa("sub"), AuditEvent.of("admin", "ca.create", "ca", "sub"));
            assertTrue(new AuditLog(db).verify().intact());
        }
        sql("UPDATE audit_entry SET object_id = 'other' WHERE seq = 2");
        try (Database db = TestDatabases.open(file)) {
            AuditVerification v = new AuditLog(db).verify();
            assertFalse(v.intact());
            assertEquals(2, v.firstBreak().seq());
        }
    }


    /** Edits entry 8 and recomputes every later hash, as an attacker with the file can. */
    private void rewriteFromEntryEight() throws SQLException {
        try (Connection c = TestDatabases.connect(file)) {
            c.createStatement().executeUpdate("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 8");
            byte[] previous;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT hash FROM audit_entry WHERE seq = 7")) {
                rs.next();
                previous = rs.getBytes(1);
            }
            long last;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT max(seq) FROM audit_entry")) {
                rs.next();
                last = rs.getLong(1);
            }
            for (long seq = 8; seq <= last; seq++) {
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
    }

    private byte[] entryHash(long seq) throws SQLException {
        try (Connection c = TestDatabases.connect(file);
             PreparedStatement p = c.prepareStatement("SELECT hash FROM audit_entry WHERE seq = ?")) {
            p.setLong(1, seq);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }

    private AuditVerification verify(AuditExpectations expectations) {
        try (Database db = TestDatabases.open(file)) {
            return new AuditLog(db).verify(AUDIT.signer().keys(), expectations);
        }
    }

    /** The rules of a writer signing every 5 entries and within a minute, as of {@code now}. */
    private static AuditExpectations every5(java.time.Instant now) {
        return AuditExpectations.signedEvery(5, java.time.Duration.ofMinutes(1), now);
    }

    @Test
    void a_rewritten_chain_whose_checkpoints_were_deleted_is_caught_where_a_checkpoint_must_be() throws SQLException {
        writeTwentyEntries();
        rewriteFromEntryEight();
        sql("DELETE FROM audit_checkpoint WHERE seq >= 10");
        AuditVerification v = verify();
        assertBreakAt(6, v);
        assertTrue(v.firstBreak().reason().contains("checkpoints were deleted"), v.firstBreak().reason());
        assertBreakAt(6, verify(every5(java.time.Instant.now())));
    }

    @Test
    void a_rewritten_chain_with_every_checkpoint_deleted_is_caught_too() throws SQLException {
        writeTwentyEntries();
        rewriteFromEntryEight();
        sql("DELETE FROM audit_checkpoint");
        assertBreakAt(1, verify());
    }

    @Test
    void an_unsigned_head_after_a_clean_stop_is_refused() throws SQLException {
        try (Database db = open()) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            new CaStore(db).create(Fixtures.rootCa("sub"), AuditEvent.of("admin", "ca.create", "ca", "sub"));
        }
        sql("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2");
        rewriteLast(2);
        sql("DELETE FROM audit_checkpoint");
        java.time.Instant now = java.time.Instant.now();
        // The server is stopped: its last stop signed the head.
        AuditVerification stopped = verify(every5(now).stopped());
        assertBreakAt(1, stopped);
        assertTrue(stopped.firstBreak().reason().contains("not covered by a signed checkpoint"), stopped.firstBreak().reason());
        // Beside a running server, fresh entries may wait up to a minute for their checkpoint; older ones may not.
        assertTrue(verify(every5(now)).intact());
        assertBreakAt(1, verify(every5(now.plus(java.time.Duration.ofMinutes(5)))));
    }

    /** Recomputes the hash of the entry {@code seq} from its predecessor's. */
    private void rewriteLast(long seq) throws SQLException {
        byte[] previous = seq == 1 ? AuditChain.GENESIS : entryHash(seq - 1);
        try (Connection c = TestDatabases.connect(file)) {
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

    @Test
    void an_empty_chain_in_a_used_database_is_refused() throws SQLException {
        writeTwentyEntries();
        sql("DELETE FROM audit_entry");
        sql("DELETE FROM audit_checkpoint");
        AuditVerification v = verify();
        assertBreakAt(1, v);
        assertTrue(v.firstBreak().reason().contains("the chain is empty, but the database holds 1 CA, 19 certificates"),
                v.firstBreak().reason());
    }

    @Test
    void a_fresh_database_with_an_empty_chain_is_intact() {
        try (Database db = open()) {
            assertTrue(new AuditLog(db).verify().intact());
        }
    }

    @Test
    void a_truncated_chain_is_caught_by_an_expected_checkpoint_kept_elsewhere() throws SQLException {
        writeTwentyEntries();
        ExpectedCheckpoint logged = new ExpectedCheckpoint(20, entryHash(20));
        assertTrue(verify(every5(java.time.Instant.now()).expecting(java.util.List.of(logged))).intact());
        sql("DELETE FROM audit_entry WHERE seq > 15");
        sql("DELETE FROM audit_checkpoint WHERE seq > 15");
        // Without the copy kept elsewhere, a clean cut at a checkpoint cannot be seen...
        assertTrue(verify().intact());
        // ...with it, it is.
        AuditVerification v = verify(every5(java.time.Instant.now()).expecting(java.util.List.of(logged)));
        assertBreakAt(16, v);
        assertTrue(v.firstBreak().reason().contains("before the expected checkpoint 20:"), v.firstBreak().reason());
    }

    @Test
    void a_rewritten_chain_is_caught_by_an_expected_checkpoint_even_when_it_is_resigned() throws SQLException {
        writeTwentyEntries();
        ExpectedCheckpoint logged = ExpectedCheckpoint.parse("10:" + java.util.HexFormat.of().formatHex(entryHash(10)));
        rewriteFromEntryEight();
        // The worst case: the attacker got the audit key to sign the rewritten chain.
        sql("DELETE FROM audit_checkpoint WHERE seq >= 10");
        try (Connection c = TestDatabases.connect(file);
             PreparedStatement p = c.prepareStatement("INSERT INTO audit_checkpoint VALUES (?, ?, ?, ?, ?, ?)")) {
            for (long seq = 10; seq <= 20; seq += 5) {
                var cp = AUDIT.signer().sign(seq, entryHash(seq), Fixtures.T0);
                p.setLong(1, seq);
                p.setBytes(2, cp.hash());
                p.setBytes(3, cp.signature());
                p.setString(4, cp.keyLabel());
                p.setString(5, cp.signatureAlgorithm());
                p.setLong(6, 0);
                p.executeUpdate();
            }
        }
        assertTrue(verify().intact());
        AuditVerification v = verify(every5(java.time.Instant.now()).expecting(java.util.List.of(logged)));
        assertBreakAt(10, v);
        assertTrue(v.firstBreak().reason().contains("differs from the expected checkpoint"), v.firstBreak().reason());
    }

    @Test
    void a_checkpoint_signed_by_another_key_in_the_hsm_is_not_accepted() throws SQLException {
        writeTwentyEntries();
        rewriteFromEntryEight();
        // A CA key in the same HSM signs what requesters ask; it must not be able to vouch for the chain.
        SigningKeys caKeys = AUDIT.hsm().signingKeys(KeyPurpose.CA);
        dev.signet.hsm.ScopedSigner caKey = caKeys.find("ca-root").orElseGet(() -> caKeys.generate("ca-root", KeyAlgorithm.EC_P256));
        sql("DELETE FROM audit_checkpoint WHERE seq >= 10");
        try (Connection c = TestDatabases.connect(file);
             PreparedStatement p = c.prepareStatement("INSERT INTO audit_checkpoint VALUES (?, ?, ?, ?, ?, ?)")) {
            for (long seq = 10; seq <= 20; seq += 5) {
                // The CA key signs the checkpoint's bytes as if they were a certificate's.
                byte[] signature = caKey.sign(dev.signet.hsm.SignedObject.CERTIFICATE, caKey.defaultAlgorithm(),
                        AuditChain.checkpointMessage(seq, entryHash(seq)));
                p.setLong(1, seq);
                p.setBytes(2, entryHash(seq));
                p.setBytes(3, signature);
                p.setString(4, "ca-root");
                p.setString(5, caKey.defaultAlgorithm().name());
                p.setLong(6, 0);
                p.executeUpdate();
            }
        }
        AuditVerification v = verify();
        assertBreakAt(10, v);
        assertTrue(v.firstBreak().reason().contains("which is not the audit key"), v.firstBreak().reason());
    }

    @Test
    void one_large_batch_still_gets_a_checkpoint_every_interval_entries() {
        try (Database db = open()) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            CertificateStore certs = new CertificateStore(db);
            java.util.List<java.util.concurrent.CompletableFuture<Void>> writes = new java.util.ArrayList<>();
            for (int i = 1; i <= 60; i++) {
                String serial = Integer.toHexString(i);
                writes.add(certs.storeAsync(Fixtures.cert("root", serial), Fixtures.issued("root", serial)));
            }
            writes.forEach(java.util.concurrent.CompletableFuture::join);
            long previous = 0;
            for (var cp : new AuditLog(db).checkpoints()) {
                assertTrue(cp.seq() - previous <= 5, "checkpoints at " + previous + " and " + cp.seq());
                previous = cp.seq();
            }
            assertTrue(previous >= 60, "last checkpoint at " + previous);
        }
    }

    private static void assertBreakAt(long seq, AuditVerification v) {
        assertNotNull(v.firstBreak(), "verification should have found the tampering");
        assertEquals(seq, v.firstBreak().seq(), v.firstBreak().reason());
    }

}
