package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaHierarchyTest {

    private static final String BASE = "http://pki.example.test";

    @Test
    void a_chain_four_deep_validates_with_openssl_and_pkix(@TempDir Path dir) throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(new NewCa("Deep Root", "CN=Deep Root", KeyAlgorithm.EC_P384, null, null, BASE), "admin");
            CaInfo a = f.cas.createSubordinate(root.id(), new NewCa("Deep A", "CN=Deep A", KeyAlgorithm.EC_P256, null, null, BASE), null, "admin");
            CaInfo b = f.cas.createSubordinate(a.id(), new NewCa("Deep B", "CN=Deep B", KeyAlgorithm.RSA_2048, null, null, BASE), null, "admin");
            CaInfo c = f.cas.createSubordinate(b.id(), new NewCa("Deep C", "CN=Deep C", KeyAlgorithm.ED25519, null, null, BASE), null, "admin");
            IssuedCertificate leaf = f.cas.issue(c.id(), "tls-server",
                    Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=deep.example.com", List.of(Csrs.dns("deep.example.com"))), "alice");

            assertEquals(4, dev.signet.ca.issue.Certificates.parsePem(c.chainPem()).size(), "chainPem runs up to the root");
            assertEquals(c.chainPem(), leaf.chainPem());
            OpenSsl.write(dir, "root.pem", root.certificatePem());
            OpenSsl.write(dir, "untrusted.pem", a.certificatePem() + b.certificatePem() + c.certificatePem());
            OpenSsl.write(dir, "leaf.pem", leaf.certificatePem());
            OpenSsl.Result r = OpenSsl.run(dir, "verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "untrusted.pem", "leaf.pem");
            assertEquals(0, r.exit(), r.output());
            Pkix.validate(root.certificatePem(), List.of(leaf.certificatePem(), c.certificatePem(), b.certificatePem(), a.certificatePem()));

            assertEquals(List.of("deep-root", "deep-a", "deep-b", "deep-c"), f.cas.list().stream().map(CaInfo::id).toList());
            assertEquals(BASE + "/crl/deep-c.crl", c.crlUrl());
            assertEquals(BASE + "/ocsp/deep-c", c.ocspUrl());
            assertEquals(BASE + "/ca/deep-c.crt", c.caIssuersUrl());
        }
    }

    @Test
    void a_path_length_limit_stops_a_deeper_ca_before_anything_is_signed(@TempDir Path dir) {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(new NewCa("Tight Root", "CN=Tight Root", KeyAlgorithm.EC_P256, null, 0, BASE), "admin");
            int signatures = f.hsm.signatures.get();
            int keys = f.hsm.list().size();
            CaException e = assertThrows(CaException.class, () -> f.cas.createSubordinate(root.id(),
                    new NewCa("Too Deep", "CN=Too Deep", KeyAlgorithm.EC_P256, null, null, BASE), null, "admin"));
            assertEquals("lint:path-length-respected", e.code());
            assertEquals(CaException.Kind.POLICY_REFUSED, e.kind());
            assertEquals(signatures, f.hsm.signatures.get(), "nothing signed");
            assertEquals(keys, f.hsm.list().size(), "the new CA's key was destroyed again");
            assertEquals(1, f.cas.list().size());
        }
    }

    @Test
    void a_ca_signed_outside_is_imported_after_its_certificate_is_checked(@TempDir Path dir) throws Exception {
        // The outside parent is plain OpenSSL.
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ext-root.key", "-out", "ext-root.pem", "-subj", "/CN=External Root", "-days", "3650",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        String extRoot = java.nio.file.Files.readString(dir.resolve("ext-root.pem"));
        OpenSsl.write(dir, "ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        OpenSsl.write(dir, "ee.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");
        try (CaFixture f = new CaFixture(dir)) {
            ExternalCaRequest pending = f.cas.createWithExternalParent(
                    new NewCa("Issuing", "CN=Signet Issuing,O=Example", KeyAlgorithm.EC_P256, null, null, BASE), "admin");
            assertEquals("pending", pending.ca().status());
            assertNull(pending.ca().certificatePem());
            assertThrows(CaException.class, () -> f.cas.issue(pending.ca().id(), "tls-server",
                    Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=a.example.com", List.of(Csrs.dns("a.example.com"))), "alice"));

            OpenSsl.write(dir, "issuing.csr", pending.csrPem());
            OpenSsl.Result csrOk = OpenSsl.run(dir, "req", "-verify", "-noout", "-in", "issuing.csr");
            assertTrue(csrOk.output().contains("verify OK"), csrOk.output());
            sign(dir, "issuing.csr", "ca.ext", "issuing.pem");
            String issuingPem = java.nio.file.Files.readString(dir.resolve("issuing.pem"));

            // Wrong certificates are refused: another key, and a certificate that is not a CA.
            OpenSsl.run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "other.key", "-out", "other.csr", "-subj", "/CN=Other");
            sign(dir, "other.csr", "ca.ext", "other.pem");
            CaException mismatch = assertThrows(CaException.class, () -> f.cas.importExternalCertificate(pending.ca().id(),
                    java.nio.file.Files.readString(dir.resolve("other.pem")), extRoot, "admin"));
            assertEquals("certificate-key-mismatch", mismatch.code());
            sign(dir, "issuing.csr", "ee.ext", "issuing-ee.pem");
            CaException notCa = assertThrows(CaException.class, () -> f.cas.importExternalCertificate(pending.ca().id(),
                    java.nio.file.Files.readString(dir.resolve("issuing-ee.pem")), extRoot, "admin"));
            assertEquals("not-a-ca-certificate", notCa.code());
            CaException wrongRoot = assertThrows(CaException.class, () -> f.cas.importExternalCertificate(pending.ca().id(),
                    issuingPem, f.cas.createRoot(new NewCa("Unrelated", "CN=Unrelated", KeyAlgorithm.EC_P256, null, null, null), "admin")
                            .certificatePem(), "admin"));
            assertEquals("chain-invalid", wrongRoot.code());

            CaInfo active = f.cas.importExternalCertificate(pending.ca().id(), issuingPem, extRoot, "admin");
            assertEquals("active", active.status());
            IssuedCertificate leaf = f.cas.issue(active.id(), "tls-server",
                    Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=a.example.com", List.of(Csrs.dns("a.example.com"))), "alice");
            OpenSsl.write(dir, "leaf.pem", leaf.certificatePem());
            OpenSsl.Result r = OpenSsl.run(dir, "verify", "-x509_strict", "-CAfile", "ext-root.pem", "-untrusted", "issuing.pem", "leaf.pem");
            assertEquals(0, r.exit(), r.output());
            Pkix.validate(extRoot, List.of(leaf.certificatePem(), issuingPem));
        }
    }

    private static void sign(Path dir, String csr, String ext, String out) {
        OpenSsl.Result r = OpenSsl.run(dir, "x509", "-req", "-in", csr, "-CA", "ext-root.pem", "-CAkey", "ext-root.key",
                "-CAcreateserial", "-days", "1000", "-extfile", ext, "-out", out);
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void a_signer_identity_key_is_generated_in_the_hsm_and_certified_in_one_step(@TempDir Path dir) {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo idRoot = f.cas.createRoot(new NewCa("Id Root", "CN=Id Root", KeyAlgorithm.EC_P256, null, null, BASE), "admin");
            CaInfo root = f.cas.createSubordinate(idRoot.id(), new NewCa("Id Issuing", "CN=Id Issuing", KeyAlgorithm.EC_P256,
                    null, null, BASE), null, "admin");
            SignerIdentity id = f.cas.createSignerIdentity(root.id(), "document-signer", "CN=Alice Example,O=Example",
                    KeyAlgorithm.EC_P256, "officer");
            assertEquals(root.id() + "." + id.certificate().serial(), id.id());
            assertArrayEquals(id.signer().publicKey().getEncoded(),
                    Pkix.x509(id.certificate().certificatePem()).getPublicKey().getEncoded());
            assertEquals("document-signer", id.certificate().profile());
            SignerIdentity found = f.cas.findSignerIdentity(id.id());
            assertEquals(id.signer().keyLabel(), found.signer().keyLabel());
            assertEquals(dev.signet.hsm.KeyPurpose.DOCUMENT, found.signer().purpose());
            assertEquals(id.certificate().certificatePem(), found.certificate().certificatePem());

            int keys = f.hsm.list().size();
            CaException e = assertThrows(CaException.class, () -> f.cas.createSignerIdentity(root.id(), "document-signer",
                    "O=No Common Name", KeyAlgorithm.EC_P256, "officer"));
            assertEquals("subject-attribute-required", e.code());
            assertEquals(keys, f.hsm.list().size(), "the refused identity's key is destroyed");
            assertEquals(CaException.Kind.NOT_FOUND,
                    assertThrows(CaException.class, () -> f.cas.findSignerIdentity(root.id() + ".abc")).kind());
        }
    }

    @Test
    void certificates_are_found_by_serial_and_searched(@TempDir Path dir) {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo findRoot = f.cas.createRoot(new NewCa("Find Root", "CN=Find Root", KeyAlgorithm.EC_P256, Duration.ofDays(365), null, BASE), "admin");
            CaInfo root = f.cas.createSubordinate(findRoot.id(), new NewCa("Find Issuing", "CN=Find Issuing", KeyAlgorithm.EC_P256,
                    Duration.ofDays(300), null, BASE), null, "admin");
            IssuedCertificate one = f.cas.issue(root.id(), "tls-server",
                    Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=one.example.com", List.of(Csrs.dns("one.example.com"))), "alice");
            f.cas.issue(root.id(), "email", Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=Bob", List.of(Csrs.email("bob@example.com"))), "alice");
            assertTrue(one.serial().matches("[1-9a-f][0-9a-f]*"));
            assertEquals("valid", f.cas.find(root.id(), one.serial()).orElseThrow().status());
            assertEquals(one.certificatePem(), f.cas.find(root.id(), one.serial().toUpperCase()).orElseThrow().certificatePem());
            assertTrue(f.cas.find(root.id(), "abcdef").isEmpty());
            assertTrue(f.cas.find(root.id(), "not hex").isEmpty());
            var page = f.cas.search(new CertificateQuery(root.id(), "one.example", null, null, null, 0, 10));
            assertEquals(1, page.total());
            assertEquals(one.serial(), page.items().get(0).serial());
            assertEquals(1, f.cas.search(new CertificateQuery(root.id(), null, null, null, "email", 0, 10)).total());
            // The leaf cannot outlive its CA: validity is clamped to the issuer's.
            assertTrue(!one.notAfter().isAfter(Pkix.x509(root.certificatePem()).getNotAfter().toInstant()));
        }
    }
}
