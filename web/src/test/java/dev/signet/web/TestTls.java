package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server on HTTPS for tests: openssl makes the certificate and key (an independent maker), the
 * server reads them from a config file, and a JDK HTTP client trusts exactly that certificate.
 */
public final class TestTls {

    public final SignetServer server;
    public final HttpClient client;

    private TestTls(SignetServer server, HttpClient client) {
        this.server = server;
        this.client = client;
    }

    /** Starts the server in {@code dir}; close {@link #server} when done. */
    public static TestTls start(Path dir, Map<String, String> env) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl made a test certificate");
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "server:\n  tls:\n    certificate: " + cert + "\n    privateKey: " + key + "\n");

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("signet", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();

        SignetServer server = SignetServer.start(new ConfigLoader(env).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new TestTls(server, client);
    }
}
