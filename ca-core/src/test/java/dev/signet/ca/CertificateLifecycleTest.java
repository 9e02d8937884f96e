package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator expects of a certificate's life: DNS names in any case (RFC 4343), a validity
 * of their choosing within the profile's, renewal with the same names, issuance announced once at
 * the one place it happens, and searches by serial, newest first. Certificates are read back with
 * the JDK's parser and checked against the CA with the JDK's PKIX validator.
 */
class CertificateLifecycleTest {

    @TempDir
    Path dir;
    private CaFixture f;
    private CaInfo root;
    private final List<IssuedCertificate> announced = new ArrayList<>();

    @BeforeEach
    void setUp() {
        f = new CaFixture(dir);
        CaInfo top = f.cas.createRoot(new NewCa("Test Root", "CN=Test Root", KeyAlgorithm.EC_P256, null, null, "http://pki.test"), "admin");
        // Leaves come from a subordinate (a root issues only CA certificates); it is the trust anchor below.
        root = f.cas.createSubordinate(top.id(), new NewCa("Test Issuing", "CN=Test Issuing", KeyAlgorithm.EC_P256, null, null,
                "http://pki.test"), null, "admin");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void dns_names_match_profiles_in_any_case_and_are_written_lower_case() throws Exception {
        byte[] csr = Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=Host.Example.com", List.of(Csrs.dns("Host.Example.com")));
        IssuedCertificate c = f.cas.issue(root.id(), "tls-server", csr, "officer");
        X509Certificate x = Pkix.x509(c.certificatePem());
        assertEquals(List.of(List.of(2, "host.example.com")), sans(x));
        assertEquals(List.of("DNS:host.example.com"), c.subjectAltNames());
        Pkix.validate(root.certificatePem(), List.of(c.certificatePem()));
    }

    @Test
    void the_requester_chooses_the_validity_within_the_profiles_maximum() {
        KeyPair kp = Csrs.keyPair(LeafKey.P256);
        byte[] csr = Csrs.csr(kp, "CN=short.example.com", List.of(Csrs.dns("short.example.com")));
        IssuedCertificate c = f.cas.issue(root.id(), "tls-server", csr, Duration.ofDays(30), "officer");
        X509Certificate x = Pkix.x509(c.certificatePem());
        long days = Duration.between(x.getNotBefore().toInstant(), x.getNotAfter().toInstant()).toDays();
        assertEquals(30, days);

        long before = f.auditEntries();
        CaException tooLong = assertThrows(CaException.class,
                () -> f.cas.issue(root.id(), "tls-server", csr, Duration.ofDays(398), "officer"));
        assertEquals("validity-not-allowed", tooLong.code());
        assertTrue(tooLong.getMessage().contains("397 days"), tooLong.getMessage());
        assertEquals(before, f.auditEntries(), "nothing reserved or stored");
    }

    @Test
    void renewal_keeps_subject_names_and_profile_and_takes_a_new_key_from_a_new_csr() throws Exception {
        KeyPair first = Csrs.keyPair(LeafKey.P256);
        IssuedCertificate old = f.cas.issue(root.id(), "tls-client",
                Csrs.csr(first, "CN=svc,O=Example", List.of(Csrs.dns("svc.example.com"))), "officer");

        IssuedCertificate sameKey = f.cas.renew(root.id(), old.serial(), null, Duration.ofDays(7), "officer");
        X509Certificate a = Pkix.x509(old.certificatePem());
        X509Certificate b = Pkix.x509(sameKey.certificatePem());
        assertNotEquals(old.serial(), sameKey.serial());
        assertEquals(a.getSubjectX500Principal(), b.getSubjectX500Principal());
        assertEquals(sans(a), sans(b));
        assertEquals(a.getPublicKey(), b.getPublicKey());
        assertEquals("tls-client", sameKey.profile());
        assertEquals(7, Duration.between(b.getNotBefore().toInstant(), b.getNotAfter().toInstant()).toDays());
        Pkix.validate(root.certificatePem(), List.of(sameKey.certificatePem()));

        // A new key: only the CSR's key is used, not the names it asks for.
        KeyPair second = Csrs.keyPair(LeafKey.P256);
        byte[] otherNames = Csrs.csr(second, "CN=someone-else", List.of(Csrs.dns("other.example.com")));
        IssuedCertificate newKey = f.cas.renew(root.id(), old.serial(), otherNames, null, "officer");
        X509Certificate c = Pkix.x509(newKey.certificatePem());
        assertEquals(second.getPublic(), c.getPublicKey());
        assertEquals(a.getSubjectX500Principal(), c.getSubjectX500Principal());
        assertEquals(sans(a), sans(c));

        CaException unknown = assertThrows(CaException.class, () -> f.cas.renew(root.id(), "abc123", null, null, "officer"));
        assertEquals(CaException.Kind.NOT_FOUND, unknown.kind());
    }

    @Test
    void a_ca_profile_is_refused_on_the_issue_path_with_a_message_that_names_no_internals() {
        byte[] csr = Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=Sub", List.of());
        CaException e = assertThrows(CaException.class, () -> f.cas.issue(root.id(), "sub-ca", csr, "officer"));
        assertEquals("profile-is-ca", e.code());
        assertTrue(e.getMessage().contains("create a subordinate CA"), e.getMessage());
        assertTrue(!e.getMessage().contains("createSubordinate"), e.getMessage());
    }

    @Test
    void every_issuance_is_announced_once_whichever_way_it_was_asked_for() {
        CertificateAuthorities counted = new CertificateAuthorities(f.hsm.signingKeys(dev.signet.hsm.KeyPurpose.CA),
                f.hsm.signingKeys(dev.signet.hsm.KeyPurpose.DOCUMENT), new dev.signet.ca.store.CaStore(f.db),
                new dev.signet.ca.store.CertificateStore(f.db), dev.signet.ca.Profiles.builtIn(),
                java.time.Clock.systemUTC(), announced::add);
        IssuedCertificate fromCsr = counted.issue(root.id(), "tls-server",
                Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=a.example.com", List.of(Csrs.dns("a.example.com"))), "officer");
        SignerIdentity identity = counted.createSignerIdentity(root.id(), "document-signer", "CN=Signer", KeyAlgorithm.EC_P256,
                "officer");
        IssuedCertificate renewed = counted.renew(root.id(), fromCsr.serial(), null, null, "officer");
        assertEquals(List.of(fromCsr.serial(), identity.certificate().serial(), renewed.serial()),
                announced.stream().map(IssuedCertificate::serial).toList());
    }

    @Test
    void search_finds_one_serial_and_lists_the_newest_first_without_ca_certificates() throws Exception {
        List<String> serials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            serials.add(f.cas.issue(root.id(), "tls-server",
                    Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=n" + i + ".example.com", List.of(Csrs.dns("n" + i + ".example.com"))),
                    Duration.ofDays(30 + i * 10), "officer").serial());
            Thread.sleep(5); // issued_at is in milliseconds
        }
        var one = f.cas.search(new CertificateQuery(null, null, serials.get(1), null, null, null, null, Set.of(),
                CertificateQuery.Order.EXPIRY, 0, 10));
        assertEquals(List.of(serials.get(1)), one.items().stream().map(IssuedCertificate::serial).toList());

        var newest = f.cas.search(new CertificateQuery(null, null, null, null, null, null, null, Set.of("root-ca", "sub-ca"),
                CertificateQuery.Order.NEWEST, 0, 10));
        assertEquals(List.of(serials.get(2), serials.get(1), serials.get(0)),
                newest.items().stream().map(IssuedCertificate::serial).toList());
    }

    private static List<List<?>> sans(X509Certificate x) throws Exception {
        return x.getSubjectAlternativeNames().stream().<List<?>>map(List::copyOf).toList();
    }
}
