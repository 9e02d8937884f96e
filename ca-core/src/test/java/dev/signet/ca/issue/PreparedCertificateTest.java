package dev.signet.ca.issue;

import dev.signet.hsm.KeyPurpose;
import dev.signet.ca.CaException;
import dev.signet.ca.NewCa;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.Profiles;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.TestDatabases;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.software.SoftwareHsm;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


/** The two-step shape: a prepared certificate is signed once, by the issuer that prepared it, and only after it is reserved. */
class PreparedCertificateTest {

    @TempDir
    Path dir;
    private Hsm hsm;
    private Database db;
    private CaRegistry registry;
    private CertificateStore certs;
    private CertificateIssuer first;
    private CertificateIssuer second;
    private Profile tls;

    @BeforeEach
    void setUp() {
        hsm = SoftwareHsm.open(dir.resolve("hsm"), new SecretSource.Env("P", Map.of("P", "prepared certificate test")));
        db = TestDatabases.open(dir.resolve("signet.db"));
        CaStore cas = new CaStore(db);
        certs = new CertificateStore(db);
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        registry = new CaRegistry(hsm.signingKeys(KeyPurpose.CA), cas, certs, Linter.standard(), clock, random);
        CaFactory factory = new CaFactory(hsm.signingKeys(KeyPurpose.CA), cas, certs, certs.revocationStore(), registry, Linter.standard(), clock, random);
        Profile template = Profiles.builtIn().find("sub-ca").orElseThrow();
        factory.createRoot(new NewCa("First", "CN=First", KeyAlgorithm.EC_P256, null, null, null), template, "admin");
        factory.createRoot(new NewCa("Second", "CN=Second", KeyAlgorithm.EC_P256, null, null, null), template, "admin");
        first = registry.issuer("first");
        second = registry.issuer("second");
        // These issuers are roots: a one-tier profile lets them issue leaves (the single-use token is what is tested).
        Profile t = Profiles.builtIn().find("tls-server").orElseThrow();
        tls = new Profile(t.name(), t.description(), t.source(), t.keys(), t.maxValidity(), t.subject(), t.subjectAltNames(),
                t.keyUsage(), t.extendedKeyUsage(), t.extendedKeyUsageCritical(), t.ca(), t.pathLen(), t.nameConstraints(),
                t.certificatePolicies(), t.ocspNoCheck(), t.csrExtensionsAllowed(), true);
    }

    @AfterEach
    void tearDown() {
        db.close();
        hsm.close();
    }

    private CheckedRequest request() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(g.generateKeyPair().getPublic().getEncoded());
        return RequestChecker.forServerKey(spki, new X500Name("CN=www.example.com"),
                List.of(new GeneralName(GeneralName.dNSName, "www.example.com")), tls, "alice");
    }

    @Test
    void a_prepared_certificate_is_issued_once_only() throws Exception {
        PreparedCertificate token = first.prepare(request());
        CertificateRecord issued = first.issue(token);
        assertEquals(token.serialHex(), issued.serialHex());
        CaException again = assertThrows(CaException.class, () -> first.issue(token));
        assertEquals("token-used", again.code());
        assertEquals(CaException.Kind.CONFLICT, again.kind());
    }

    @Test
    void another_issuer_refuses_a_token_it_did_not_prepare() throws Exception {
        PreparedCertificate token = first.prepare(request());
        CaException e = assertThrows(CaException.class, () -> second.issue(token));
        assertEquals("token-wrong-issuer", e.code());
        // The refusal did not spend the token: its own issuer still signs it.
        assertEquals(token.serialHex(), first.issue(token).serialHex());
    }

    @Test
    void preparing_stores_nothing_and_issuing_reserves_then_stores_with_audit() throws Exception {
        AuditLog audit = new AuditLog(db);
        long before = audit.list(0, 1).total();
        PreparedCertificate token = first.prepare(request());
        assertEquals(before, audit.list(0, 1).total(), "prepare writes nothing");
        assertEquals(false, certs.serialUsed("first", token.serialHex()));
        first.issue(token);
        var entries = audit.list(0, 100).items();
        List<String> actions = entries.stream().map(e -> e.action()).toList();
        // Newest first: the reservation came before the issue.
        assertEquals(List.of("certificate.issue", "certificate.reserve"), actions.subList(0, 2));
        assertEquals(token.serialHex(), certs.find("first", token.serialHex()).orElseThrow().serialHex());
    }

    @Test
    void serials_are_positive_128_bit_values_within_20_octets() {
        for (int i = 0; i < 1000; i++) {
            var s = first.newSerial();
            assertEquals(1, s.signum());
            assertEquals(true, s.toByteArray().length <= 17);
        }
    }
}
