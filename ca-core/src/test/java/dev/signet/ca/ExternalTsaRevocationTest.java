package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.signet.ca.issue.Pem;
import dev.signet.ca.store.TsaStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TSA certified by an external CA follows that CA's CRL: served here from a local HTTP server,
 * signed by a Bouncy Castle 'external CA' key, named in the TSA certificate's CRL Distribution
 * Points. Listed there, the TSA refuses saying which CRL; a CRL signed by another key, an older
 * CRL replayed, or an unreachable URL change nothing, so they neither stop the TSA nor undo a
 * revocation. Real software HSM and SQLite file.
 */
class ExternalTsaRevocationTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private String crlUrl;
    private KeyPair caKey;
    private final X500Name caName = new X500Name("CN=Outside CA,O=Elsewhere");
    private X509CertificateHolder caCert;

    @BeforeEach
    void serve() throws Exception {
        caKey = Csrs.ec("secp256r1");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/outside.crl", x -> {
            byte[] body = served.get();
            if (body == null) {
                x.sendResponseHeaders(404, -1);
            } else {
                x.getResponseHeaders().add("Content-Type", "application/pkix-crl");
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            }
            x.close();
        });
        server.start();
        crlUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/outside.crl";
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(caName, BigInteger.valueOf(1), Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(365))), caName, SubjectPublicKeyInfo.getInstance(caKey.getPublic().getEncoded()));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caCert = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The external CA's certificate for the TSA's CSR: EKU timeStamping (critical) and this test's CRL DP. */
    private String issue(String csrPem, BigInteger serial) throws Exception {
        String body = csrPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Base64.getDecoder().decode(body));
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(caName, serial, Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(30))), csr.getSubject(), csr.getSubjectPublicKeyInfo());
        b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}));
        return Pem.encode("CERTIFICATE", b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())).getEncoded());
    }

    /** A CRL of the external CA's name, signed by {@code signer}, listing {@code revoked} (if not null) on hold or as compromised. */
    private static byte[] crl(X500Name issuer, KeyPair signer, Instant thisUpdate, BigInteger revoked, int reason) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(thisUpdate));
        b.setNextUpdate(Date.from(thisUpdate.plus(Duration.ofDays(1))));
        if (revoked != null) {
            b.addCRLEntry(revoked, Date.from(thisUpdate.minusSeconds(60)), reason);
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).getEncoded();
    }

    private TimeStampAuthorities externalTsa(CaFixture f, BigInteger serial) throws Exception {
        TsaSettings s = new TsaSettings("outside", TsaLifecycleTest.POLICY, Duration.ofMillis(500), false, KeyAlgorithm.EC_P256,
                "CN=Outside TSA", null, true);
        TimeStampAuthorities tsas = new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING), f.hsm.backendName(), f.cas,
                new TsaStore(f.db), List.of(s), Clock.systemUTC(), TsaTimeSource.SYSTEM);
        tsas.createMissing(null, "test");
        tsas.importCertificate("outside", issue(tsas.get("outside").csrPem(), serial),
                Pem.encode("CERTIFICATE", caCert.getEncoded()), "admin");
        return tsas;
    }

    private static TsaReply stamp(TimeStampAuthorities tsas, String doc) throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(doc.getBytes(StandardCharsets.UTF_8));
        byte[] q = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint, BigInteger.ONE).getEncoded();
        return tsas.respond("outside", q, "test").join();
    }

    private static long audited(CaFixture f, String action) {
        return f.audit.list(AuditQuery.forObject("tsa", "outside", 100)).items().stream().filter(e -> e.action().equals(action)).count();
    }

    @Test
    void a_tsa_whose_certificate_the_external_crl_lists_refuses_naming_the_crl_and_an_older_crl_does_not_undo_it() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            BigInteger serial = new BigInteger("7a11ce", 16);
            TimeStampAuthorities tsas = externalTsa(f, serial);
            Instant t0 = Instant.now().minusSeconds(600);
            byte[] clean = crl(caName, caKey, t0, null, 0);
            served.set(clean);
            tsas.checkExternalRevocations();
            assertTrue(stamp(tsas, "before").granted(), "a CRL that does not list it changes nothing");
            assertTrue(tsas.externalRevocationCheckedAt("outside").isPresent());
            assertEquals(0, tsas.externalRevocationFailures("outside"));

            served.set(crl(caName, caKey, t0.plusSeconds(300), serial, CRLReason.certificateHold));
            tsas.checkExternalRevocations();
            TsaReply refused = stamp(tsas, "after");
            assertFalse(refused.granted());
            assertEquals(TsaReply.Failure.SYSTEM_FAILURE, refused.failure());
            assertTrue(refused.statusText().contains("revoked by its external CA") && refused.statusText().contains(crlUrl),
                    refused.statusText());
            assertTrue(tsas.get("outside").refusal().contains(crlUrl));
            CaException inProcess = assertThrows(CaException.class,
                    () -> tsas.builtIn("outside", "test").timestamp("SHA-256", new byte[32]));
            assertEquals(CaException.Kind.CONFLICT, inProcess.kind());

            tsas.checkExternalRevocations(); // the same CRL again: no second audit entry
            served.set(clean); // an older CRL, replayed: not accepted
            tsas.checkExternalRevocations();
            assertFalse(stamp(tsas, "replayed").granted(), "an older CRL does not undo a revocation");
            assertEquals(1, audited(f, "tsa.external.revoked"));
            assertEquals(1, tsas.externalRevocationFailures("outside"));

            // A newer CRL without the entry (the hold released) lets it stamp again.
            served.set(crl(caName, caKey, t0.plusSeconds(400), null, 0));
            tsas.checkExternalRevocations();
            assertTrue(stamp(tsas, "released").granted());
            assertNull(tsas.get("outside").refusal());
            assertEquals(1, audited(f, "tsa.external.unrevoked"));
        }
    }

    @Test
    void a_crl_signed_by_another_key_or_an_unreachable_url_does_not_stop_the_tsa() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            BigInteger serial = new BigInteger("5e1f", 16);
            TimeStampAuthorities tsas = externalTsa(f, serial);
            served.set(crl(caName, Csrs.ec("secp256r1"), Instant.now().minusSeconds(60), serial, CRLReason.keyCompromise));
            tsas.checkExternalRevocations();
            assertTrue(stamp(tsas, "forged").granted(), "a CRL the external CA did not sign is not trusted");
            assertEquals(1, tsas.externalRevocationFailures("outside"));
            assertTrue(tsas.externalRevocationCheckedAt("outside").isEmpty());

            served.set(null); // HTTP 404
            tsas.checkExternalRevocations();
            server.stop(0); // nothing listens any more
            tsas.checkExternalRevocations();
            assertTrue(stamp(tsas, "unreachable").granted(), "an unreachable CRL does not stop the TSA");
            assertEquals(3, tsas.externalRevocationFailures("outside"));
            assertEquals(0, audited(f, "tsa.external.revoked"));
        }
    }
}
