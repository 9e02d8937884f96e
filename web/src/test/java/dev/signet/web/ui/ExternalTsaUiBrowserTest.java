package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaInfo;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A TSA an external CA certified is on no CA page: the TSAs page (linked from the navigation) shows
 * it, with who certified it, its policy, counters and certificate, and the admin's re-key (which
 * shows the new key's CSR for the external CA) and retire buttons, in headless Chromium.
 */
class ExternalTsaUiBrowserTest {

    @Test
    void a_tsa_certified_by_an_external_ca_is_shown_on_the_tsas_page_with_its_admin_buttons() throws Exception {
        Path data = Files.createTempDirectory("signet-external-tsa-ui");
        Path config = data.resolve("signet.yaml");
        Files.writeString(config, "tsa:\n  authorities:\n    outside:\n      policy: 1.3.6.1.4.1.99999.3161.77\n      ca: external\n");
        try (UiServer server = UiServer.start(config, data.resolve("data")); Chromium browser = Chromium.start()) {
            TimeStampAuthorities tsas = server.server.services().timeStampAuthorities();
            TsaInfo pending = tsas.get("outside");
            assertEquals(null, pending.caId());
            ExternalCa ca = new ExternalCa();
            tsas.importCertificate("outside", ca.certify(pending.csrPem()), ca.rootPem, "test");
            assertEquals(0, stamp(server).getStatus(), "the external CA's TSA stamps");
            assertEquals(2, new TimeStampResponse(post(server, new byte[] {0x30, 0x00})).getStatus(), "a bad query is rejected");

            browser.login(server.base, "admin", server.adminPassword);
            browser.driver.get(server.base + "/ui/cas");
            assertFalse(browser.driver.getPageSource().contains("tsa-outside"), "no CA page lists it");
            browser.clickAndWaitForNextPage(By.linkText("TSAs"));
            String card = browser.driver.findElement(By.id("tsa-outside")).getText();
            assertTrue(card.contains("an external CA"), card);
            assertTrue(card.contains("1.3.6.1.4.1.99999.3161.77"), card);
            assertTrue(card.contains("CN=Outside TSA"), card);
            assertTrue(card.contains(server.base + "/tsa/outside") || card.contains("/tsa/outside"), card);
            assertEquals("1", browser.driver.findElement(By.cssSelector("#tsa-outside .tsa-tokens")).getText());
            assertTrue(card.contains("badDataFormat 1"), card);
            // the demo TSA, certified by a Signet CA, is listed too, with a link to its CA
            assertTrue(browser.driver.findElement(By.cssSelector("#tsa-default .tsa-issuer a")).getAttribute("href").contains("/ui/cas/"));

            browser.clickAndWaitForNextPage(By.id("tsa-rekey-outside"));
            assertTrue(browser.driver.findElement(By.id("confirm-message")).getText().contains("CSR"));
            browser.clickAndWaitForNextPage(By.id("confirm"));
            assertTrue(browser.driver.getCurrentUrl().contains("/ui/tsas"), browser.driver.getCurrentUrl());
            assertTrue(browser.driver.getPageSource().contains("certificate for the new one is imported"), browser.driver.getPageSource());
            String csr = browser.driver.findElement(By.cssSelector("#tsa-outside .tsa-csr")).getText();
            assertEquals(tsas.get("outside").nextCsrPem().strip(), csr.strip(), "the new key's CSR, for the external CA");
            assertEquals(0, stamp(server).getStatus(), "the current key stamps on until the new certificate is imported");

            browser.clickAndWaitForNextPage(By.id("tsa-retire-outside"));
            assertTrue(browser.driver.findElement(By.id("confirm-message")).getText().contains("cannot be undone"));
            browser.clickAndWaitForNextPage(By.id("confirm"));
            assertTrue(browser.driver.getPageSource().contains("The TSA is retired"), browser.driver.getPageSource());
            assertTrue(browser.driver.findElement(By.cssSelector("#tsa-outside .tsa-refusal")).getText().contains("retired"));
            assertTrue(browser.driver.findElements(By.id("tsa-retire-outside")).isEmpty(), "no buttons on a retired TSA");
            assertEquals(2, stamp(server).getStatus(), "rejection");
        } finally {
            Chromium.deleteTree(data);
        }
    }

    /** A CA outside Signet (made here with Bouncy Castle) that signs the TSA's CSR. */
    static final class ExternalCa {
        final KeyPair key;
        final X509CertificateHolder root;
        final String rootPem;

        ExternalCa() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            key = g.generateKeyPair();
            X500Name name = new X500Name("CN=Outside Root,O=Elsewhere");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, key.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            root = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            rootPem = pem(root);
        }

        String certify(String csrPem) throws Exception {
            PKCS10CertificationRequest csr;
            try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
                csr = (PKCS10CertificationRequest) p.readObject();
            }
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(root.getSubject(), BigInteger.valueOf(now.toEpochMilli() + 1),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(365))),
                    new X500Name("CN=Outside TSA,O=Elsewhere"), csr.getSubjectPublicKeyInfo());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            return pem(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        }

        private static String pem(X509CertificateHolder c) throws Exception {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(c);
            }
            return out.toString();
        }
    }

    private static TimeStampResponse stamp(UiServer server) throws Exception {
        byte[] imprint = java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {4, 5, 6});
        return new TimeStampResponse(post(server, new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint).getEncoded()));
    }

    private static byte[] post(UiServer server, byte[] query) throws Exception {
        HttpResponse<byte[]> r = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/tsa/outside"))
                .header("Content-Type", "application/timestamp-query").POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r.body();
    }
}
