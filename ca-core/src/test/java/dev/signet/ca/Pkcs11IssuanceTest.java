package dev.signet.ca;

import dev.signet.hsm.KeyPurpose;
import dev.signet.ca.Csrs.LeafKey;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SecretSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * Issuance with the CA keys in a PKCS#11 token (SoftHSM2), the way production runs with a real HSM.
 * Fails, never skips, when SoftHSM2 is missing.
 */
class Pkcs11IssuanceTest {

    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final String PIN = "ca-core-test-pin";

    /** A fresh token in the directory Surefire's SOFTHSM2_CONF points into (see ca-core/pom.xml). */
    private static HsmConfig.Pkcs11 token() throws Exception {
        assertTrue(Files.isRegularFile(LIBRARY), "SoftHSM2 is not installed (" + LIBRARY + "); ./test installs it");
        String conf = System.getenv("SOFTHSM2_CONF");
        assertTrue(conf != null && !conf.isBlank(), "SOFTHSM2_CONF is not set: run this test through Maven");
        Path confFile = Path.of(conf);
        Path tokens = confFile.resolveSibling("tokens");
        if (Files.exists(tokens)) {
            try (Stream<Path> s = Files.walk(tokens)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "ca-core-test",
                "--so-pin", "ca-core-test-so-pin", "--pin", PIN).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "softhsm2-util failed: " + out);
        return new HsmConfig.Pkcs11(LIBRARY, "ca-core-test", new SecretSource.Env("PIN", Map.of("PIN", PIN)), 4);
    }

    @Test
    void a_chain_with_its_ca_keys_in_softhsm2_validates_with_openssl_and_pkix(@TempDir Path dir) throws Exception {
        try (Hsm hsm = Hsms.open(token()); Database db = Database.open(dir.resolve("signet.db"))) {
            assertEquals("pkcs11", hsm.backendName());
            CertificateAuthorities cas = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT), new CaStore(db), new CertificateStore(db),
                    Profiles.builtIn(), Clock.systemUTC());
            CaInfo root = cas.createRoot(new NewCa("Token Root", "CN=Token Root", KeyAlgorithm.EC_P384, null, null,
                    "http://pki.example.test"), "admin");
            CaInfo sub = cas.createSubordinate(root.id(), new NewCa("Token Sub", "CN=Token Sub", KeyAlgorithm.RSA_2048, null,
                    null, "http://pki.example.test"), null, "admin");
            assertEquals("pkcs11", sub.keyBackend());
            IssuedCertificate leaf = cas.issue(sub.id(), "tls-server", Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=token.example.com",
                    List.of(Csrs.dns("token.example.com"))), "alice");
            SignerIdentity signer = cas.createSignerIdentity(sub.id(), "document-signer", "CN=Token Signer", KeyAlgorithm.EC_P256, "officer");
            assertEquals(KeyPurpose.DOCUMENT, hsm.get(signer.signer().keyLabel()).purpose());
            assertEquals("pkcs11", hsm.get(signer.signer().keyLabel()).backend());

            OpenSsl.write(dir, "root.pem", root.certificatePem());
            OpenSsl.write(dir, "sub.pem", sub.certificatePem());
            for (String pem : List.of(leaf.certificatePem(), signer.certificate().certificatePem())) {
                OpenSsl.write(dir, "leaf.pem", pem);
                OpenSsl.Result r = OpenSsl.run(dir, "verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "sub.pem", "leaf.pem");
                assertEquals(0, r.exit(), r.output());
                Pkix.validate(root.certificatePem(), List.of(pem, sub.certificatePem()));
            }
        }
    }
}
