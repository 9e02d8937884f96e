package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA whose own certificate is revoked signs nothing more: the revoke retires it, and the CAs
 * below it, in the same transaction, and every later issuance is refused with {@code ca-revoked}
 * (CONFLICT, HTTP 409) for it and {@code ca-not-active} for the CAs below. Its parent is unaffected.
 */
class RevokedCaTest {

    @TempDir
    Path dir;

    @Test
    void revoking_a_ca_certificate_tells_the_other_nodes_through_the_cas_topic_and_an_end_entity_revoke_does_not() throws Exception {
        try (CaFixture f = new CaFixture(dir);
             Revocations r = new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db),
                     f.hsm.signingKeys(KeyPurpose.CA), f.hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(),
                     Clock.systemUTC())) {
            CaInfo root = f.cas.createRoot(new NewCa("Root", "CN=Topic Test Root", KeyAlgorithm.EC_P256, null, null,
                    "http://127.0.0.1:1"), "admin");
            CaInfo sub = f.cas.createSubordinate(root.id(), new NewCa("Sub", "CN=Topic Test Sub", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:1"), null, "admin");
            f.cas.createSubordinate(sub.id(), new NewCa("Below", "CN=Topic Test Below", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:1"), null, "admin");
            IssuedCertificate leaf = f.cas.issue(sub.id(), "tls-server", csr("leaf.topic.example"), "officer");
            dev.signet.ca.store.NodeChanges changes = new dev.signet.ca.store.NodeChanges(f.db);

            long before = changes.generations().get(dev.signet.ca.store.NodeChanges.CAS);
            r.revoke(sub.id(), leaf.serial(), "keyCompromise", null, "officer", false);
            assertEquals(before, changes.generations().get(dev.signet.ca.store.NodeChanges.CAS),
                    "an end-entity revoke retires no CA: the other nodes keep their CA caches");

            r.revoke(root.id(), serialOf(sub), "keyCompromise", null, "admin", true);
            assertEquals(before + 1, changes.generations().get(dev.signet.ca.store.NodeChanges.CAS),
                    "the sub-CA and the CA below it were retired: one bump in the revoke's transaction");
        }
    }

    @Test
    void a_subordinate_ca_whose_certificate_is_revoked_refuses_to_issue_and_so_do_the_cas_below_it() throws Exception {
        try (CaFixture f = new CaFixture(dir);
             Revocations r = new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db),
                     f.hsm.signingKeys(KeyPurpose.CA), f.hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(),
                     Clock.systemUTC())) {
            CaInfo root = f.cas.createRoot(new NewCa("Root", "CN=Revoked Test Root", KeyAlgorithm.EC_P256, null, null,
                    "http://127.0.0.1:1"), "admin");
            CaInfo sub = f.cas.createSubordinate(root.id(), new NewCa("Sub", "CN=Revoked Test Sub", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:1"), null, "admin");
            CaInfo below = f.cas.createSubordinate(sub.id(), new NewCa("Below", "CN=Revoked Test Below", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:1"), null, "admin");
            r.start();
            // Issue once from each, so that their issuers are built and cached before the revoke.
            f.cas.issue(sub.id(), "tls-server", csr("before.sub.example"), "officer");
            f.cas.issue(below.id(), "tls-server", csr("before.below.example"), "officer");

            r.revoke(root.id(), serialOf(sub), "keyCompromise", null, "admin", true);

            CaException refused = assertThrows(CaException.class,
                    () -> f.cas.issue(sub.id(), "tls-server", csr("after.sub.example"), "officer"));
            assertEquals(CaException.Kind.CONFLICT, refused.kind());
            assertEquals("ca-revoked", refused.code());
            CaException belowRefused = assertThrows(CaException.class,
                    () -> f.cas.issue(below.id(), "tls-server", csr("after.below.example"), "officer"));
            assertEquals(CaException.Kind.CONFLICT, belowRefused.kind());
            assertEquals("ca-not-active", belowRefused.code());
            // Not even a new CA under it.
            CaException noNewCa = assertThrows(CaException.class, () -> f.cas.createSubordinate(sub.id(),
                    new NewCa("Late", "CN=Late", KeyAlgorithm.EC_P256, null, null, "http://127.0.0.1:1"), null, "admin"));
            assertEquals(CaException.Kind.CONFLICT, noNewCa.kind());

            assertEquals("retired", f.cas.get(sub.id()).status());
            assertEquals("retired", f.cas.get(below.id()).status());
            assertEquals("active", f.cas.get(root.id()).status());
            CaInfo other = f.cas.createSubordinate(root.id(), new NewCa("Other", "CN=Revoked Test Other", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:1"), null, "admin");
            assertTrue(f.cas.issue(other.id(), "tls-server", csr("other.example"), "officer").certificatePem()
                    .contains("BEGIN CERTIFICATE"));

            // Refused the same way by a fresh issuer (nothing cached), as after a restart.
            CertificateAuthorities fresh = new CertificateAuthorities(f.hsm.signingKeys(KeyPurpose.CA),
                    f.hsm.signingKeys(KeyPurpose.DOCUMENT), new CaStore(f.db), new CertificateStore(f.db), Profiles.builtIn(),
                    Clock.systemUTC());
            CaException afterRestart = assertThrows(CaException.class,
                    () -> fresh.issue(sub.id(), "tls-server", csr("restart.sub.example"), "officer"));
            assertEquals("ca-revoked", afterRestart.code());
        }
    }

    private static String serialOf(CaInfo ca) throws Exception {
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        return c.getSerialNumber().toString(16);
    }

    private static byte[] csr(String dns) throws Exception {
        return Csrs.csr(Csrs.ec("secp256r1"), "CN=" + dns, List.of(Csrs.dns(dns)));
    }
}
