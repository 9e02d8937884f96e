package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.issue.CertificateIssuer;
import dev.signet.ca.issue.PreparedCertificate;
import dev.signet.ca.issue.RequestChecker;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SignedObject;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything a CA key signs goes through prepare -> issue, and a retired CA signs nothing. */
class OneSigningPathTest {

    @TempDir
    Path dir;
    private CaFixture f;
    private CaInfo root;
    private CaInfo issuing;

    @BeforeEach
    void open() {
        f = new CaFixture(dir);
        root = f.cas.createRoot(new NewCa("Path Root", "CN=Path Root", KeyAlgorithm.EC_P256, null, null, "http://pki.test"), "admin");
        // Leaves come from a subordinate: a root issues only CA certificates.
        issuing = f.cas.createSubordinate(root.id(), new NewCa("Path Issuing", "CN=Path Issuing", KeyAlgorithm.EC_P256, null,
                null, "http://pki.test"), null, "admin");
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void a_roots_own_certificate_is_reserved_recorded_and_stored_like_every_other_certificate() throws Exception {
        X509Certificate cert = Pkix.x509(root.certificatePem());
        String serial = cert.getSerialNumber().toString(16);
        IssuedCertificate stored = f.cas.find(root.id(), serial).orElseThrow(() -> new AssertionError("root certificate not stored"));
        assertEquals(root.certificatePem().strip(), stored.certificatePem().strip());
        assertEquals("root-ca", stored.profile());
        List<String> actions = new java.util.ArrayList<>(f.audit.list(0, 100).items().stream().map(e -> e.action()).toList());
        java.util.Collections.reverse(actions); // the log lists newest first
        assertTrue(actions.indexOf("certificate.reserve") > actions.indexOf("ca.create"), actions.toString());
        assertTrue(actions.indexOf("certificate.issue") > actions.indexOf("certificate.reserve"), actions.toString());
        assertTrue(actions.indexOf("ca.activate") > actions.indexOf("certificate.issue"), actions.toString());
        cert.verify(cert.getPublicKey());
    }

    @Test
    void a_certificate_prepared_before_its_ca_was_retired_is_refused_at_issue_and_nothing_is_signed() {
        CertificateIssuer issuer = f.cas.issuer(issuing.id());
        PreparedCertificate prepared = issuer.prepare(RequestChecker.fromCsr(RefusedRequestsTest.good(),
                dev.signet.ca.Profiles.builtIn().find("tls-server").orElseThrow(), "alice"));
        f.cas.retire(issuing.id(), "admin");
        int signatures = f.hsm.signatures.get();
        long certificates = f.cas.search(CertificateQuery.all(issuing.id(), 10)).total();

        CaException e = assertThrows(CaException.class, () -> issuer.issue(prepared));

        assertEquals(CaException.Kind.CONFLICT, e.kind());
        assertEquals("ca-not-active", e.code());
        assertTrue(e.getMessage().contains("retired"), e.getMessage());
        assertEquals(signatures, f.hsm.signatures.get(), "nothing signed");
        assertEquals(certificates, f.cas.search(CertificateQuery.all(issuing.id(), 10)).total(), "no serial reserved");
    }

    @Test
    void the_ca_signs_through_its_ca_scoped_signer_and_an_identity_through_a_document_scoped_one() {
        CertificateIssuer issuer = f.cas.issuer(issuing.id());
        assertEquals(KeyPurpose.CA, issuer.signer().purpose());
        assertEquals(KeyPurpose.CA, issuer.ca().signer().purpose());
        issuer.signer().contentSigner(SignedObject.CRL); // what the revocation code will sign with
        HsmException.PurposeMismatch pdf = assertThrows(HsmException.PurposeMismatch.class,
                () -> issuer.signer().contentSigner(SignedObject.DOCUMENT_SIGNATURE));
        assertEquals(KeyPurpose.CA, pdf.purpose());

        SignerIdentity id = f.cas.createSignerIdentity(issuing.id(), "document-signer", "CN=Doc Signer", KeyAlgorithm.EC_P256, "officer");
        assertEquals(KeyPurpose.DOCUMENT, id.signer().purpose());
        assertThrows(HsmException.PurposeMismatch.class, () -> id.signer().contentSigner(SignedObject.CRL));
        assertThrows(HsmException.PurposeMismatch.class, () -> id.signer().contentSigner(SignedObject.CERTIFICATE));
        id.signer().contentSigner(SignedObject.DOCUMENT_SIGNATURE);
    }
}
