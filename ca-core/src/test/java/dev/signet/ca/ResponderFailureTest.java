package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA's delegated OCSP responder cannot be certified: the operator's ocsp-responder profile is
 * not {@code issuableByRoot} and the CA is a root, or it refuses the CA's key algorithm. OCSP still
 * answers, signed with the CA key, and the refusal leaves no key behind in the HSM: each OCSP
 * signing that the cache does not answer tries to make the responder again, so one stray key per
 * attempt would fill the HSM. With the built-in profile a root has a delegated responder too.
 */
class ResponderFailureTest {

    @TempDir
    Path dir;

    @Test
    void a_root_has_a_delegated_responder_under_the_built_in_profile() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = root(f, "Responder");
            CaInfo sub = issuing(f, root, "Responder");
            try (Revocations r = revocations(f)) {
                r.start();
                BasicOCSPResp response = basic(r.ocspResponse(root.id(), serialOf(sub)));
                assertNull(response.getResponses()[0].getCertStatus(), "the subordinate is good");
                String responder = r.state(root.id()).responderSerial();
                assertNotNull(responder, "the root has a delegated responder");
                X509Certificate signer = new JcaX509CertificateConverter().getCertificate(response.getCerts()[0]);
                assertEquals(responder, signer.getSerialNumber().toString(16), "the responder signed the answer");
                assertTrue(signer.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.9"), "OCSPSigning");
                X509Certificate rootCert = certificate(root);
                signer.verify(rootCert.getPublicKey()); // certified by the root itself
                assertTrue(response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer.getPublicKey())));
            }
        }
    }

    @Test
    void a_root_whose_responder_profile_is_not_issuable_by_roots_generates_no_responder_key() throws Exception {
        // The operator's ocsp-responder profile, without issuableByRoot: a root may not issue it.
        Path profiles = responderProfile("not for roots", "{ \"ecCurves\": [\"P-256\"] }");
        try (CaFixture f = new CaFixture(dir, Profiles.load(profiles))) {
            CaInfo root = root(f, "Responder Failure");
            CaInfo sub = issuing(f, root, "Responder Failure");
            List<String> before = labels(f);
            int generatedBefore = f.hsm.generated.get();
            try (Revocations r = revocations(f)) {
                r.start();
                BasicOCSPResp response = basic(r.ocspResponse(root.id(), serialOf(sub)));
                assertNull(response.getResponses()[0].getCertStatus(), "the subordinate is good, answered all the same");
                assertNull(r.state(root.id()).responderSerial(), "no delegated responder: the CA key signs");
            }
            // After close: the background OCSP refresh, which also tries to make the responder, has stopped.
            assertEquals(before, labels(f), "the HSM holds the same keys as before: no stray responder key");
            // A root is refused whatever the key, so it is refused before one is generated: no
            // key generation in the HSM for each OCSP signing of the root.
            assertEquals(generatedBefore, f.hsm.generated.get(), "no responder key was generated for the root");
        }
    }

    /** A root CA with a P-256 key, named after the test. */
    private static CaInfo root(CaFixture f, String name) {
        return f.cas.createRoot(new NewCa("Root", "CN=" + name + " Root", KeyAlgorithm.EC_P256, null, null,
                "http://127.0.0.1:1"), "admin");
    }

    /** An issuing CA with a P-256 key under {@code root}. */
    private static CaInfo issuing(CaFixture f, CaInfo root, String name) {
        return f.cas.createSubordinate(root.id(), new NewCa("Issuing", "CN=" + name + " Issuing",
                KeyAlgorithm.EC_P256, null, null, "http://127.0.0.1:1"), null, "admin");
    }

    /** A profiles directory whose operator ocsp-responder profile admits {@code keys} (and no root, unless it says so). */
    private Path responderProfile(String description, String keys) throws Exception {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("ocsp-responder.json"), """
                {
                  "name": "ocsp-responder",
                  "description": "%s",
                  "keys": %s,
                  "maxValidityDays": 30,
                  "subject": { "allowed": ["CN"], "required": ["CN"] },
                  "keyUsage": ["digitalSignature"],
                  "extendedKeyUsage": { "purposes": ["OCSPSigning"], "critical": false },
                  "ocspNoCheck": true
                }
                """.formatted(description, keys));
        return profiles;
    }

    private static X509Certificate certificate(CaInfo ca) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ca.certificatePem().getBytes()));
    }

    private static String serialOf(CaInfo ca) throws Exception {
        return certificate(ca).getSerialNumber().toString(16);
    }

    @Test
    void a_responder_key_whose_certificate_is_refused_is_destroyed_again() throws Exception {
        // The operator's ocsp-responder profile admits RSA keys only, and the CA's keys are P-256:
        // the refusal comes from the key itself, so it comes after the key was generated.
        Path profiles = responderProfile("RSA responders only", "{ \"rsaMinBits\": 3072 }");
        try (CaFixture f = new CaFixture(dir, Profiles.load(profiles))) {
            CaInfo root = root(f, "Responder Refused");
            CaInfo sub = issuing(f, root, "Responder Refused");
            IssuedCertificate a = f.cas.issue(sub.id(), "tls-server", Csrs.csr(Csrs.ec("secp256r1"), "CN=a.example.com",
                    List.of(Csrs.dns("a.example.com"))), "officer");
            IssuedCertificate b = f.cas.issue(sub.id(), "tls-server", Csrs.csr(Csrs.ec("secp256r1"), "CN=b.example.com",
                    List.of(Csrs.dns("b.example.com"))), "officer");
            List<String> before = labels(f);
            int generatedBefore = f.hsm.generated.get();
            try (Revocations r = revocations(f)) {
                r.start();
                // Two certificates, two signings the cache cannot answer: each would try to make the responder.
                for (IssuedCertificate c : List.of(a, b)) {
                    BasicOCSPResp response = basic(r.ocspResponse(sub.id(), c.serial()));
                    assertNull(response.getResponses()[0].getCertStatus(), "good, answered all the same");
                }
                assertNull(r.state(sub.id()).responderSerial(), "no delegated responder: the CA key signs");
            }
            assertEquals(generatedBefore + 1, f.hsm.generated.get(),
                    "one responder key was generated and refused; the next attempt waits (Responders.RETRY_AFTER)");
            assertEquals(before, labels(f), "the HSM holds the same keys as before: the refused key was destroyed");
        }
    }

    private static Revocations revocations(CaFixture f) {
        return new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db), f.hsm.signingKeys(KeyPurpose.CA),
                f.hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(), Clock.systemUTC());
    }

    private static List<String> labels(CaFixture f) {
        return f.hsm.list().stream().map(KeyInfo::label).sorted().toList();
    }

    private static BasicOCSPResp basic(byte[] der) throws Exception {
        return (BasicOCSPResp) new OCSPResp(der).getResponseObject();
    }
}
