package dev.signet.ca.store;

import dev.signet.ca.AuditQuery;
import static dev.signet.ca.store.Fixtures.T0;
import static dev.signet.ca.store.Fixtures.cert;
import static dev.signet.ca.store.Fixtures.issued;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.Page;
import dev.signet.ca.RevocationConflictException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateStoreTest {

    @TempDir
    Path dir;

    private Database db;
    private CertificateStore certs;
    private AuditLog audit;

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir.resolve("signet.db"));
        certs = new CertificateStore(db);
        audit = new AuditLog(db);
        CaStore cas = new CaStore(db);
        cas.create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
        cas.create(Fixtures.rootCa("other"), AuditEvent.of("admin", "ca.create", "ca", "other"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void stored_certificate_is_found_by_serial_with_every_field() {
        certs.reserve("root", "1a2b", Fixtures.tbs("1a2b"), "tls-server", "alice");
        CertificateRecord c = cert("root", "1a2b", "CN=www.example.com,O=Example", List.of("DNS:www.example.com", "IP:10.0.0.1"),
                "tls-server", T0.plusSeconds(3600));
        certs.store(c, issued("root", "1a2b"));

        CertificateRecord found = certs.find("root", "1a2b").orElseThrow();
        assertArrayEquals(Fixtures.der("1a2b"), found.der());
        assertEquals("CN=www.example.com,O=Example", found.subject());
        assertEquals(List.of("DNS:www.example.com", "IP:10.0.0.1"), found.sans());
        assertEquals(T0, found.notBefore());
        assertEquals(T0.plusSeconds(3600), found.notAfter());
        assertEquals("tls-server", found.profile());
        assertEquals("EC_P256", found.keyAlgorithm());
        assertEquals("alice", found.requester());
        assertEquals("valid", found.status());
        assertEquals(null, found.revokedAt());
        assertTrue(certs.find("other", "1a2b").isEmpty(), "serials belong to their CA");
    }

    @Test
    void a_reserved_serial_cannot_be_reserved_or_stored_twice() {
        certs.reserve("root", "1a2b", Fixtures.tbs("1a2b"), "tls-server", "alice");
        DuplicateSerialException e = assertThrows(DuplicateSerialException.class,
                () -> certs.reserve("root", "1a2b", new byte[] {2}, "tls-server", "bob"));
        assertEquals("1a2b", e.serialHex());
        certs.store(cert("root", "1a2b"), issued("root", "1a2b"));
        assertThrows(DuplicateSerialException.class, () -> certs.store(cert("root", "1a2b"), issued("root", "1a2b")));
        // the same serial under another CA is fine
        certs.reserve("other", "1a2b", new byte[] {1}, "tls-server", "alice");
    }

    @Test
    void a_reserved_but_never_stored_serial_is_not_found_but_counts_as_used() {
        certs.reserve("root", "77", new byte[] {1}, "tls-server", "alice");
        assertTrue(certs.find("root", "77").isEmpty());
        assertTrue(certs.serialUsed("root", "77"));
        assertEquals(0, certs.search(CertificateQuery.all("root", 10)).total());
    }

    @Test
    void a_refused_write_leaves_nothing_behind() {
        long entries = audit.list(0, 1).total();
        assertThrows(NotFoundException.class, () -> certs.reserve("nope", "1", new byte[] {1}, "tls-server", "alice"));
        assertThrows(InvalidRecordException.class, () -> certs.reserve("root", "0abc", new byte[] {1}, "tls-server", "alice"));
        assertThrows(InvalidRecordException.class, () -> certs.reserve("root", "ABC", new byte[] {1}, "tls-server", "alice"));
        // bad audit details fail after the certificate row was written inside the transaction: it must be rolled back
        InvalidRecordException bad = assertThrows(InvalidRecordException.class, () -> certs.store(cert("root", "5"),
                new AuditEvent("alice", "certificate.issue", "certificate", "root/5", "{not json")));
        assertTrue(bad.getMessage().contains("audit details"), bad.getMessage());
        assertTrue(certs.find("root", "5").isEmpty());
        assertFalse(certs.serialUsed("root", "5"));
        assertEquals(entries, audit.list(0, 1).total());
        assertTrue(audit.verify().intact());
    }

    @Test
    void revoked_certificate_is_reported_revoked_with_time_and_reason() {
        certs.store(cert("root", "9"), issued("root", "9"));
        Instant at = T0.plusSeconds(60);
        certs.revoke("root", "9", "keyCompromise", at, AuditEvent.of("officer", "certificate.revoke", "certificate", "root/9"));
        CertificateRecord c = certs.find("root", "9").orElseThrow();
        assertEquals("revoked", c.status());
        assertEquals(at, c.revokedAt());
        assertEquals("keyCompromise", c.revocationReason());
        assertThrows(RevocationConflictException.class, () -> certs.revoke("root", "9", "keyCompromise", at,
                AuditEvent.of("officer", "certificate.revoke", "certificate", "root/9")));
        assertThrows(NotFoundException.class, () -> certs.revoke("root", "10", "keyCompromise", at,
                AuditEvent.of("officer", "certificate.revoke", "certificate", "root/10")));
    }

    @Test
    void search_finds_by_subject_or_san_substring_status_expiry_and_profile_with_paging() {
        Instant day = T0.plusSeconds(86_400);
        certs.store(cert("root", "1", "CN=Alpha Web", List.of("DNS:alpha.example"), "tls-server", day.plusSeconds(1)), issued("root", "1"));
        certs.store(cert("root", "2", "CN=beta", List.of("DNS:www.ALPHA.example", "email:b@x.org"), "tls-server", day.plusSeconds(2)), issued("root", "2"));
        certs.store(cert("root", "3", "CN=gamma", List.of("email:g@x.org"), "email", day.plusSeconds(3)), issued("root", "3"));
        certs.store(cert("root", "4", "CN=delta_100%", List.of(), "document-signer", day.plusSeconds(4)), issued("root", "4"));
        certs.store(cert("other", "5", "CN=alpha elsewhere", List.of(), "tls-server", day), issued("other", "5"));
        certs.revoke("root", "2", "superseded", T0, AuditEvent.of("officer", "certificate.revoke", "certificate", "root/2"));

        assertEquals(List.of("1", "2"), serials(new CertificateQuery("root", "alpha", null, null, null, 0, 10)));
        assertEquals(List.of("5", "1", "2"), serials(new CertificateQuery(null, "ALPHA", null, null, null, 0, 10)));
        assertEquals(List.of("2", "3"), serials(new CertificateQuery("root", "x.org", null, null, null, 0, 10)));
        assertEquals(List.of("4"), serials(new CertificateQuery("root", "_100%", null, null, null, 0, 10)),
                "LIKE wildcards in the text are matched literally");
        assertEquals(List.of(), serials(new CertificateQuery("root", "a%a", null, null, null, 0, 10)));
        assertEquals(List.of("2"), serials(new CertificateQuery("root", null, "revoked", null, null, 0, 10)));
        assertEquals(List.of("1", "3", "4"), serials(new CertificateQuery("root", null, "valid", null, null, 0, 10)));
        assertEquals(List.of("1", "2"), serials(new CertificateQuery("root", null, null, day.plusSeconds(3), null, 0, 10)));
        assertEquals(List.of("3"), serials(new CertificateQuery("root", null, null, null, "email", 0, 10)));

        Page<CertificateRecord> page = certs.search(new CertificateQuery("root", null, null, null, null, 1, 2));
        assertEquals(4, page.total());
        assertEquals(List.of("2", "3"), page.items().stream().map(CertificateRecord::serialHex).toList());
        assertEquals(List.of("4"), serials(new CertificateQuery("root", null, null, null, null, 3, 2)));
    }

    @Test
    void every_change_writes_one_audit_entry_and_the_chain_verifies() {
        long before = audit.list(0, 1).total();
        certs.reserve("root", "1", Fixtures.tbs("1"), "tls-server", "alice");
        certs.store(cert("root", "1"), issued("root", "1"));
        certs.revoke("root", "1", "keyCompromise", T0, AuditEvent.of("officer", "certificate.revoke", "certificate", "root/1"));
        Page<dev.signet.ca.AuditEntry> page = audit.list(0, 3);
        assertEquals(before + 3, page.total());
        assertEquals(List.of("certificate.revoke", "certificate.issue", "certificate.reserve"),
                page.items().stream().map(dev.signet.ca.AuditEntry::action).toList());
        assertEquals("root/1", page.items().get(0).objectId());
        assertEquals("{\"profile\":\"tls-server\"}", page.items().get(2).details());
        assertTrue(audit.verify().intact());

        Page<dev.signet.ca.AuditEntry> history = audit.list(AuditQuery.forObject("certificate", "root/1", 10));
        assertEquals(3, history.total());
        assertEquals(List.of("officer"), audit.list(new AuditQuery("officer", null, null, null, 0, 10)).items().stream()
                .map(dev.signet.ca.AuditEntry::actor).toList());
        assertEquals(2, audit.list(new AuditQuery(null, "ca.create", "ca", null, 0, 10)).total());
        assertEquals(0, audit.list(AuditQuery.forObject("certificate", "root/2", 10)).total());
    }

    @Test
    void a_certificate_that_is_not_the_reserved_one_is_refused() {
        certs.reserve("root", "abc", Fixtures.tbs("abc"), "tls-server", "alice");
        // Same serial, but the signed bytes are not the ones recorded before signing.
        CertificateRecord other = new CertificateRecord("root", "abc", Fixtures.der("abd"), "CN=x", List.of(), T0,
                T0.plusSeconds(60), "tls-server", "EC_P256", "alice", CertificateRecord.VALID, null, null);
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> certs.store(other, issued("root", "abc")));
        assertTrue(e.getMessage().contains("not the one reserved"), e.getMessage());
        assertTrue(certs.find("root", "abc").isEmpty());
        // Bytes that are not a certificate at all are refused before anything is queued.
        CertificateRecord garbage = new CertificateRecord("root", "abc", new byte[] {0x30, 0x05, 1}, "CN=x", List.of(), T0,
                T0.plusSeconds(60), "tls-server", "EC_P256", "alice", CertificateRecord.VALID, null, null);
        assertThrows(InvalidRecordException.class, () -> certs.store(garbage, issued("root", "abc")));
        // The right certificate still goes in.
        certs.store(cert("root", "abc"), issued("root", "abc"));
        assertTrue(certs.find("root", "abc").isPresent());
    }

    private List<String> serials(CertificateQuery q) {
        return certs.search(q).items().stream().map(CertificateRecord::serialHex).toList();
    }
}
