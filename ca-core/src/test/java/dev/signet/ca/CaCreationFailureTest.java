package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.ca.store.TsaStore;
import dev.signet.hsm.KeyPurpose;
import java.time.Clock;
import java.time.Duration;
import dev.signet.ca.store.TestDatabases;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA whose creation fails after its key was generated leaves nothing behind: no record naming a
 * key that is gone, no key without a record, and an audit log that does not claim a CA exists.
 * The failures are real ones of the database: a trigger, installed from a connection of the test's
 * own, refuses the write a step of the creation makes (as a full disk or a constraint would).
 */
class CaCreationFailureTest {

    @TempDir
    Path dir;

    private static NewCa spec(String name) {
        return new NewCa(name, "CN=" + name, KeyAlgorithm.EC_P256, null, null, "http://pki.test");
    }

    @Test
    void a_root_whose_own_certificate_cannot_be_reserved_leaves_no_pending_record_and_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            List<String> keysBefore = labels(f);
            refuse("refuse_certificate", "INSERT", "certificate", null);
            CaException e = assertThrows(CaException.class, () -> f.cas.createRoot(spec("Broken Root"), "admin"));
            assertEquals(CaException.Kind.UNAVAILABLE, e.kind(), e.toString());

            assertTrue(new CaStore(f.db).find("broken-root").isEmpty(), "no CA record left: its key is gone");
            assertEquals(keysBefore, labels(f), "the root's key was destroyed");
            assertEquals(0, certificateRows("broken-root"));
            assertEquals(List.of("ca.create", "ca.create-failed"), caActions(f, "broken-root"),
                    "the audited creation is followed by its undoing");

            // The name is free again: once the database takes writes, the same root is made.
            allow("refuse_certificate");
            CaInfo root = f.cas.createRoot(spec("Broken Root"), "admin");
            assertEquals("active", root.status());
            assertEquals(keysBefore.size() + 1, labels(f).size());
        }
    }

    @Test
    void a_root_whose_activation_fails_leaves_no_pending_record_no_certificate_and_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            List<String> keysBefore = labels(f);
            // The self-signed certificate is reserved, signed and stored; marking the root active fails.
            refuse("refuse_activation", "UPDATE", "ca", "NEW.status = 'active'");
            assertThrows(CaException.class, () -> f.cas.createRoot(spec("Unactivated Root"), "admin"));

            assertTrue(new CaStore(f.db).find("unactivated-root").isEmpty(), "no CA record left");
            assertEquals(0, certificateRows("unactivated-root"), "the certificate of a root that does not exist is gone too");
            assertEquals(keysBefore, labels(f), "the root's key was destroyed");
            assertEquals(List.of("ca.create", "ca.create-failed"), caActions(f, "unactivated-root"));
            assertTrue(f.audit.verify().intact(), "the audit chain still verifies");
        }
    }

    @Test
    void a_subordinate_whose_record_cannot_be_stored_has_the_certificate_its_parent_issued_revoked_and_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(spec("Parent Root"), "admin");
            List<String> keysBefore = labels(f);
            // The parent signs and stores the subordinate's certificate; storing the subordinate fails.
            refuse("refuse_ca", "INSERT", "ca", null);
            assertThrows(CaException.class, () -> f.cas.createSubordinate(root.id(), spec("Lost Issuing"), null, "admin"));
            allow("refuse_ca");

            assertTrue(new CaStore(f.db).find("lost-issuing").isEmpty(), "no CA record");
            assertEquals(keysBefore, labels(f), "the subordinate's key was destroyed");
            List<IssuedCertificate> issued = f.cas.search(CertificateQuery.all(root.id(), 100)).items().stream()
                    .filter(c -> c.subject().contains("Lost Issuing")).toList();
            assertEquals(1, issued.size(), "the parent issued the subordinate's certificate: " + issued);
            IssuedCertificate lost = issued.get(0);
            assertEquals("revoked", lost.status(), "a CA certificate whose key is gone does not stay valid");
            RevocationStore.Status status = new RevocationStore(f.db).status(root.id(), lost.serial()).orElseThrow();
            assertEquals(5, status.reasonCode(), "cessationOfOperation");
            AuditEntry revoke = f.audit.list(AuditQuery.forObject("certificate", root.id() + "/" + lost.serial(), 10)).items()
                    .stream().filter(e -> e.action().equals("certificate.revoke")).findFirst().orElseThrow();
            assertTrue(revoke.details().contains("lost-issuing"), revoke.details());
            assertTrue(f.audit.verify().intact(), "the audit chain still verifies");
        }
    }

    @Test
    void a_tsa_whose_record_cannot_be_stored_has_its_certificate_revoked_and_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(spec("Tsa Root"), "admin");
            CaInfo issuing = f.cas.createSubordinate(root.id(), spec("Tsa Issuing"), null, "admin");
            TimeStampAuthorities tsas = new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING), f.hsm.backendName(),
                    f.cas, new TsaStore(f.db), List.of(new TsaSettings("lost", TsaLifecycleTest.POLICY, Duration.ofMillis(500), false,
                            KeyAlgorithm.EC_P256, "CN=Lost TSA", null, false)), Clock.systemUTC(), TsaTimeSource.SYSTEM);
            refuse("refuse_tsa", "INSERT", "tsa", null);
            assertThrows(RuntimeException.class, () -> tsas.createMissing(issuing.id(), "admin"));
            allow("refuse_tsa");

            assertTrue(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).list().isEmpty(), "the TSA's key was destroyed");
            assertUnusedAndRevoked(f, issuing.id(), "Lost TSA", "lost");
        }
    }

    @Test
    void an_ocsp_responder_whose_row_cannot_be_stored_has_its_certificate_revoked_and_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(spec("Ocsp Root"), "admin");
            CaInfo issuing = f.cas.createSubordinate(root.id(), spec("Ocsp Issuing"), null, "admin");
            IssuedCertificate leaf = f.cas.issue(issuing.id(), "tls-server", Csrs.csr(Csrs.ec("secp256r1"), "CN=leaf.example.com",
                    List.of(Csrs.dns("leaf.example.com"))), "officer");
            refuse("refuse_responder", "INSERT", "ocsp_responder", null);
            try (Revocations r = new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db),
                    f.hsm.signingKeys(KeyPurpose.CA), f.hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(),
                    Clock.systemUTC())) {
                r.start();
                r.ocspResponse(issuing.id(), leaf.serial()); // answered with the CA key: no responder could be stored
                assertEquals(null, r.state(issuing.id()).responderSerial());
            }
            allow("refuse_responder");
            assertTrue(f.hsm.signingKeys(KeyPurpose.OCSP).list().isEmpty(), "the responder's key was destroyed");
            assertUnusedAndRevoked(f, issuing.id(), "OCSP Responder", "OCSP responder");
        }
    }

    /** The certificates {@code caId} issued with {@code subject} in their subject: every one revoked, cessationOfOperation, saying why. */
    private static void assertUnusedAndRevoked(CaFixture f, String caId, String subject, String why) {
        List<IssuedCertificate> issued = f.cas.search(CertificateQuery.all(caId, 100)).items().stream()
                .filter(c -> c.subject().contains(subject)).toList();
        assertFalse(issued.isEmpty(), "the CA issued the certificate before the write failed");
        for (IssuedCertificate c : issued) {
            assertEquals("revoked", c.status(), "an unused certificate whose key is gone does not stay valid: " + c.serial());
            assertEquals(5, new RevocationStore(f.db).status(caId, c.serial()).orElseThrow().reasonCode(), "cessationOfOperation");
            AuditEntry revoke = f.audit.list(AuditQuery.forObject("certificate", caId + "/" + c.serial(), 10)).items().stream()
                    .filter(e -> e.action().equals("certificate.revoke")).findFirst().orElseThrow();
            assertTrue(revoke.details().contains(why), revoke.details());
        }
        assertTrue(f.audit.verify().intact(), "the audit chain still verifies");
    }

    @Test
    void a_ca_for_an_outside_parent_whose_record_cannot_be_stored_leaves_no_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            List<String> keysBefore = labels(f);
            refuse("refuse_ca", "INSERT", "ca", null);
            assertThrows(CaException.class, () -> f.cas.createWithExternalParent(spec("Waiting"), "admin"));

            assertTrue(new CaStore(f.db).find("waiting").isEmpty());
            assertEquals(keysBefore, labels(f), "the key of the CA that was not stored is destroyed");
            assertEquals(List.of(), caActions(f, "waiting"), "nothing audited for a write that stored nothing");
        }
    }

    @Test
    void a_root_left_pending_with_its_key_by_a_creation_that_stopped_is_discarded_with_its_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo active = f.cas.createRoot(spec("Active Root"), "admin");
            List<String> keysBefore = labels(f);
            // What a process stopped after the pending record (and the reservation) leaves: both kept.
            refuse("refuse_activation", "UPDATE", "ca", "NEW.status = 'active'");
            refuse("refuse_removal", "DELETE", "ca", null);
            assertThrows(CaException.class, () -> f.cas.createRoot(spec("Stopped Root"), "admin"));
            allow("refuse_activation");
            allow("refuse_removal");
            CaInfo stopped = f.cas.get("stopped-root");
            assertEquals("pending", stopped.status());
            assertEquals(keysBefore.size() + 1, labels(f).size(), "the key of the record that could not be removed is kept");
            assertEquals(1, certificateRows("stopped-root"));

            f.cas.discardUnfinishedRoot("stopped-root", "admin");
            assertTrue(new CaStore(f.db).find("stopped-root").isEmpty());
            assertEquals(0, certificateRows("stopped-root"));
            assertEquals(keysBefore, labels(f), "its key is destroyed");
            assertEquals(List.of("ca.create", "ca.create-failed"), caActions(f, "stopped-root"));

            CaException refused = assertThrows(CaException.class, () -> f.cas.discardUnfinishedRoot(active.id(), "admin"));
            assertEquals("ca-not-pending", refused.code());
            assertEquals("active", f.cas.get(active.id()).status());
        }
    }

    /** Makes the database refuse {@code event}s on {@code table} (when {@code when} holds), as SQLite or PostgreSQL. */
    private void refuse(String name, String event, String table, String when) throws Exception {
        try (Connection c = TestDatabases.connect(dir.resolve("signet.db")); Statement s = c.createStatement()) {
            if (TestDatabases.postgres()) {
                s.execute("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "RAISE EXCEPTION 'injected: the database refused the write'; END $$");
                s.execute("CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table + " FOR EACH ROW"
                        + (when == null ? "" : " WHEN (" + when + ")") + " EXECUTE FUNCTION " + name + "()");
            } else {
                s.execute("CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table
                        + (when == null ? "" : " WHEN " + when)
                        + " BEGIN SELECT RAISE(ABORT, 'injected: the database refused the write'); END");
            }
        }
    }

    private void allow(String name) throws Exception {
        try (Connection c = TestDatabases.connect(dir.resolve("signet.db")); Statement s = c.createStatement()) {
            if (TestDatabases.postgres()) {
                s.execute("DROP FUNCTION " + name + "() CASCADE");
            } else {
                s.execute("DROP TRIGGER " + name);
            }
        }
    }

    /** Certificate rows of the CA, reserved or stored (what the store's own queries leave out). */
    private int certificateRows(String caId) throws Exception {
        try (Connection c = TestDatabases.connect(dir.resolve("signet.db")); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM certificate WHERE ca_id = '" + caId + "'")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static List<String> caActions(CaFixture f, String caId) {
        return f.audit.list(AuditQuery.forObject("ca", caId, 100)).items().stream()
                .sorted(java.util.Comparator.comparingLong(AuditEntry::seq)).map(AuditEntry::action).toList();
    }

    private static List<String> labels(CaFixture f) {
        return f.hsm.list().stream().map(KeyInfo::label).sorted().toList();
    }
}
