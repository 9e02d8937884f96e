package dev.signet.web;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Certificates as the JDK reads them, for tests that check what the API returned. */
public final class TestCertificates {

    private TestCertificates() {}

    /** The first certificate in {@code pem} (a chain gives its first). */
    public static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
