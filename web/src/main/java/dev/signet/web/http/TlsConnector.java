package dev.signet.web.http;

import dev.signet.web.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS from a PEM certificate chain and an unencrypted PEM private key (PKCS#8 or traditional),
 * the files a reverse proxy or certbot would use. The TLS key is the web server's, not a CA key, so
 * it lives in the JVM, not behind the key boundary.
 */
public final class TlsConnector {

    private final KeyStore keyStore;
    private final char[] storePassword;

    private TlsConnector(KeyStore keyStore, char[] storePassword) {
        this.keyStore = keyStore;
        this.storePassword = storePassword;
    }

    /** Reads and checks the files; failures name the setting. */
    public static TlsConnector fromPem(Path certificateFile, Path privateKeyFile) {
        List<Certificate> chain = readChain(certificateFile);
        PrivateKey key = readKey(privateKeyFile);
        try {
            // The in-memory store needs a password; a random one never leaves this object.
            char[] password = Base64.getEncoder().encodeToString(randomBytes()).toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("signet", key, password, chain.toArray(Certificate[]::new));
            return new TlsConnector(ks, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("server.tls.privateKey", "does not match server.tls.certificate: " + e.getMessage());
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static List<Certificate> readChain(Path file) {
        try (var in = Files.newInputStream(file)) {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new ConfigException("server.tls.certificate", "no certificate in " + file);
            }
            return chain;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("server.tls.certificate", "not a PEM certificate chain: " + file);
        }
    }

    private static PrivateKey readKey(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new ConfigException("server.tls.privateKey", "expected an unencrypted PEM private key in " + file);
        } catch (IOException e) {
            throw new ConfigException("server.tls.privateKey", "cannot read a PEM private key from " + file);
        }
    }

    /** An HTTPS connector; {@code HttpServer} opens it on the socket it was given. */
    static final long HSTS_MAX_AGE_SECONDS = 365L * 24 * 3600;

    public ServerConnector connector(Server server, HttpConfiguration httpConfig) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(new String(storePassword));
        ssl.setKeyManagerPassword(new String(storePassword));
        // HSTS: a browser that has reached us over TLS never tries plain HTTP (or a stripped proxy) for a year.
        httpConfig.addCustomizer(new SecureRequestCustomizer(false, HSTS_MAX_AGE_SECONDS, false));
        return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpConfig));
    }
}
