package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every chain Signet issues is checked by implementations other than ours: root -> sub -> leaf for
 * each built-in end-entity profile and each leaf key type, under each issuing key type, must pass
 * {@code openssl verify -x509_strict} (with the profile's purpose where OpenSSL has one) and the
 * JDK's PKIX validator; {@code openssl x509 -text} must show the intended extensions.
 */
class IssuedChainsTest {

    private static final String BASE = "http://pki.example.test";

    private record Leaf(String profile, String subject, List<GeneralName> sans, String purpose, List<String> textLines) {
    }

    private static List<Leaf> leaves(String subId) {
        return List.of(
                new Leaf("tls-server", "CN=www.example.com", List.of(Csrs.dns("www.example.com"), Csrs.dns("example.com")),
                        "sslserver", List.of("DNS:www.example.com, DNS:example.com", "TLS Web Server Authentication",
                                "OCSP - URI:" + BASE + "/ocsp/" + subId, "CA Issuers - URI:" + BASE + "/ca/" + subId + ".crt",
                                "URI:" + BASE + "/crl/" + subId + ".crl", "CA:FALSE")),
                new Leaf("tls-client", "CN=client-1,O=Example", List.of(), "sslclient",
                        List.of("TLS Web Client Authentication")),
                new Leaf("email", "CN=Alice Example", List.of(Csrs.email("alice@example.com")), "smimesign",
                        List.of("email:alice@example.com", "E-mail Protection")),
                new Leaf("document-signer", "CN=Alice Example,O=Example,C=DE", List.of(), null,
                        List.of("Digital Signature, Non Repudiation")),
                new Leaf("timestamping", "CN=Signet TSA,O=Example", List.of(), "timestampsign",
                        List.of("X509v3 Extended Key Usage: critical", "Time Stamping")),
                new Leaf("ocsp-responder", "CN=Signet OCSP", List.of(), null,
                        List.of("OCSP Signing", "OCSP No Check")));
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "EC_P384", "RSA_2048", "ED25519"})
    void every_profile_and_leaf_key_gives_a_chain_openssl_and_the_jdk_accept(KeyAlgorithm issuingKey, @TempDir Path dir)
            throws Exception {
        Map<LeafKey, KeyPair> leafKeys = new EnumMap<>(LeafKey.class);
        for (LeafKey k : LeafKey.values()) {
            leafKeys.put(k, Csrs.keyPair(k));
        }
        List<String> failures = new ArrayList<>();
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(new NewCa("Root " + issuingKey, "CN=Signet Test Root " + issuingKey + ",O=Signet",
                    issuingKey, Duration.ofDays(3650), null, BASE), "admin");
            CaInfo sub = f.cas.createSubordinate(root.id(), new NewCa("Sub " + issuingKey,
                    "CN=Signet Test Sub " + issuingKey + ",O=Signet", issuingKey, null, null, BASE), null, "admin");
            Path rootPem = OpenSsl.write(dir, "root.pem", root.certificatePem());
            Path subPem = OpenSsl.write(dir, "sub.pem", sub.certificatePem());

            OpenSsl.Result subCheck = OpenSsl.run(dir, "verify", "-x509_strict", "-CAfile", rootPem.toString(), subPem.toString());
            if (subCheck.exit() != 0) {
                failures.add("sub: " + subCheck.output());
            }
            String subText = OpenSsl.run(dir, "x509", "-noout", "-text", "-in", subPem.toString()).output();
            for (String line : List.of("CA:TRUE", "Certificate Sign, CRL Sign", "X509v3 Basic Constraints: critical",
                    "OCSP - URI:" + BASE + "/ocsp/" + root.id())) {
                if (!subText.contains(line)) {
                    failures.add("sub text lacks '" + line + "'");
                }
            }

            for (Leaf leaf : leaves(sub.id())) {
                for (LeafKey k : LeafKey.values()) {
                    String what = leaf.profile() + "/" + k;
                    byte[] csr = Csrs.csr(leafKeys.get(k), leaf.subject(), leaf.sans());
                    IssuedCertificate cert;
                    try {
                        cert = f.cas.issue(sub.id(), leaf.profile(), csr, "alice");
                    } catch (CaException e) {
                        failures.add(what + ": refused " + e.code() + " " + e.getMessage());
                        continue;
                    }
                    Path leafPem = OpenSsl.write(dir, "leaf.pem", cert.certificatePem());
                    List<String> args = new ArrayList<>(List.of("verify", "-x509_strict"));
                    if (leaf.purpose() != null) {
                        args.addAll(List.of("-purpose", leaf.purpose()));
                    }
                    args.addAll(List.of("-CAfile", rootPem.toString(), "-untrusted", subPem.toString(), leafPem.toString()));
                    OpenSsl.Result verify = OpenSsl.run(dir, args.toArray(new String[0]));
                    if (verify.exit() != 0 || !verify.output().contains("leaf.pem: OK")) {
                        failures.add(what + ": openssl verify: " + verify.output().strip());
                    }
                    try {
                        Pkix.validate(root.certificatePem(), List.of(cert.certificatePem(), sub.certificatePem()));
                    } catch (Exception e) {
                        failures.add(what + ": PKIX: " + e);
                    }
                    String text = OpenSsl.run(dir, "x509", "-noout", "-text", "-in", leafPem.toString()).output();
                    for (String line : leaf.textLines()) {
                        if (!text.contains(line)) {
                            failures.add(what + ": text lacks '" + line + "'");
                        }
                    }
                    String serial = OpenSsl.run(dir, "x509", "-noout", "-serial", "-in", leafPem.toString()).output().strip();
                    BigInteger s = new BigInteger(serial.substring("serial=".length()), 16);
                    if (!s.toString(16).equals(cert.serial()) || s.bitLength() < 64) {
                        failures.add(what + ": serial " + cert.serial() + " vs openssl " + serial);
                    }
                }
            }
            // Everything issued is stored and can be found again: the leaves, the sub-CA's certificate and
            // the root's own self-signed certificate (which went through prepare -> issue like the others).
            assertEquals(6 * LeafKey.values().length + 2,
                    f.cas.search(dev.signet.ca.CertificateQuery.all(null, 1000)).total());
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256"})
    void a_pem_csr_is_accepted_as_well_as_der(KeyAlgorithm issuingKey, @TempDir Path dir) {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo top = f.cas.createRoot(new NewCa("Root", "CN=Root", issuingKey, null, null, BASE), "admin");
            CaInfo root = f.cas.createSubordinate(top.id(), new NewCa("Issuing", "CN=Issuing", issuingKey, null, null, BASE), null, "admin");
            byte[] der = Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=host.example.com", List.of(Csrs.dns("host.example.com")));
            String pem = dev.signet.ca.issue.Pem.encode("CERTIFICATE REQUEST", der);
            IssuedCertificate c = f.cas.issue(root.id(), "tls-server", pem.getBytes(StandardCharsets.US_ASCII), "bob");
            assertTrue(c.certificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
            assertEquals(c, f.cas.find(root.id(), c.serial()).orElseThrow());
        }
    }
}
