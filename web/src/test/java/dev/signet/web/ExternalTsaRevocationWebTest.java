package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.issue.Pem;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
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
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's view of an external CA's revocation of its TSA's certificate: over HTTP the TSA's
 * reply is a rejection naming the CRL, its API record says so, and /metrics has the check's gauge
 * and failure counter for that TSA.
 */
class ExternalTsaRevocationWebTest {

    @TempDir
    Path dir;

    @Test
    void an_external_tsa_listed_on_its_cas_crl_rejects_over_http_and_the_check_is_on_metrics() throws Exception {
        HttpServer crlServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<byte[]> served = new AtomicReference<>();
        crlServer.createContext("/outside.crl", x -> {
            byte[] body = served.get();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        crlServer.start();
        String crlUrl = "http://127.0.0.1:" + crlServer.getAddress().getPort() + "/outside.crl";
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "tsa:\n  authorities:\n    outside:\n      policy: 1.3.6.1.4.1.99999.3161.78\n      ca: external\n");
        try (TestServer s = TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair caKey = g.generateKeyPair();
            X500Name caName = new X500Name("CN=Outside CA");
            Instant now = Instant.now();
            X509v3CertificateBuilder cb = new X509v3CertificateBuilder(caName, BigInteger.ONE, Date.from(now.minusSeconds(3600)),
                    Date.from(now.plus(Duration.ofDays(365))), caName, SubjectPublicKeyInfo.getInstance(caKey.getPublic().getEncoded()));
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            X509CertificateHolder caCert = cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate()));

            TimeStampAuthorities tsas = s.server.services().timeStampAuthorities();
            String csrPem = tsas.get("outside").csrPem();
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(
                    Base64.getDecoder().decode(csrPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "")));
            BigInteger serial = BigInteger.valueOf(0x7e57);
            X509v3CertificateBuilder tb = new X509v3CertificateBuilder(caName, serial, Date.from(now.minusSeconds(3600)),
                    Date.from(now.plus(Duration.ofDays(30))), csr.getSubject(), csr.getSubjectPublicKeyInfo());
            tb.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            tb.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                    new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null,
                    null)}));
            tsas.importCertificate("outside",
                    Pem.encode("CERTIFICATE", tb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())).getEncoded()),
                    Pem.encode("CERTIFICATE", caCert.getEncoded()), "test");
            assertEquals(0, stamp(s).getStatus(), "granted before its CA lists it");

            X509v2CRLBuilder crl = new X509v2CRLBuilder(caName, Date.from(now.minusSeconds(60)));
            crl.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            crl.addCRLEntry(serial, Date.from(now.minusSeconds(120)), CRLReason.keyCompromise);
            served.set(crl.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())).getEncoded());
            tsas.checkExternalRevocations(); // what the node's 10-minute job runs

            TimeStampResponse refused = stamp(s);
            assertEquals(2, refused.getStatus());
            assertEquals(PKIFailureInfo.systemFailure, refused.getFailInfo().intValue());
            assertTrue(refused.getStatusString().contains(crlUrl), refused.getStatusString());
            String auditor = s.token("auditor");
            JsonNode refusal = TestServer.json(s.get("/api/v1/tsas/outside", auditor)).get("refusal");
            assertTrue(refusal.asText().contains("revoked by its external CA"), refusal.toString());
            JsonNode audit = TestServer.json(s.get("/api/v1/audit?action=tsa.external.revoked&limit=10", auditor)).get("items");
            assertEquals(1, audit.size(), audit.toString());
            String metrics = s.get("/metrics", auditor).body();
            assertTrue(metrics.contains("signet_tsa_external_revocation_checked_seconds{tsa=\"outside\"}"), metrics);
            assertTrue(metrics.contains("signet_tsa_external_revocation_failures_total{tsa=\"outside\"}"), metrics);
        } finally {
            crlServer.stop(0);
        }
    }

    private static TimeStampResponse stamp(TestServer s) throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(new byte[] {7, 8, 9});
        byte[] query = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint).getEncoded();
        HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.base + "/tsa/outside"))
                .header("Content-Type", "application/timestamp-query").POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return new TimeStampResponse(r.body());
    }
}
