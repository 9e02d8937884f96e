package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests are refused with a specific error, and nothing is reserved, stored, audited or signed:
 * the audit log (which the store appends to on every reservation and issue) and the HSM's signature
 * count do not move.
 */
class RefusedRequestsTest {

    @TempDir
    Path dir;
    private CaFixture f;
    private CaInfo ca;

    @BeforeEach
    void setUp() {
        f = new CaFixture(dir);
        CaInfo root = f.cas.createRoot(new NewCa("Test Root", "CN=Test Root", KeyAlgorithm.EC_P256, null, null, "http://pki.test"), "admin");
        // Leaves come from a subordinate: a root issues only CA certificates.
        ca = f.cas.createSubordinate(root.id(), new NewCa("Test Issuing", "CN=Test Issuing", KeyAlgorithm.EC_P256, null, null,
                "http://pki.test"), null, "admin");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private record Case(String name, String profile, Supplier<byte[]> csr, CaException.Kind kind, String code) {
    }

    static byte[] good() {
        return Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com", List.of(Csrs.dns("www.example.com")));
    }

    @Test
    void each_bad_csr_is_refused_specifically_and_leaves_no_trace() {
        List<Case> cases = List.of(
                new Case("broken signature", "tls-server", () -> {
                    byte[] csr = good();
                    csr[csr.length - 5] ^= 0x01; // inside the signature BIT STRING
                    return csr;
                }, CaException.Kind.BAD_REQUEST, "csr-signature-invalid"),
                new Case("garbage DER", "tls-server", () -> new byte[] {0x30, 0x03, 0x02, 0x01},
                        CaException.Kind.BAD_REQUEST, "csr-unparseable"),
                new Case("text that is not a CSR", "tls-server", () -> "hello".getBytes(StandardCharsets.US_ASCII),
                        CaException.Kind.BAD_REQUEST, "csr-unparseable"),
                new Case("PEM with bad base64", "tls-server",
                        () -> "-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n".getBytes(StandardCharsets.US_ASCII),
                        CaException.Kind.BAD_REQUEST, "csr-unparseable"),
                new Case("empty", "tls-server", () -> new byte[0], CaException.Kind.BAD_REQUEST, "csr-missing"),
                new Case("RSA-1024 key", "tls-server", () -> {
                    try {
                        return Csrs.csr(Csrs.rsa(1024), "CN=www.example.com", List.of(Csrs.dns("www.example.com")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, CaException.Kind.POLICY_REFUSED, "weak-key"),
                new Case("secp256k1 key", "tls-server", () -> {
                    try {
                        return Csrs.csr(Csrs.ec("secp256k1"), "CN=www.example.com", List.of(Csrs.dns("www.example.com")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, CaException.Kind.POLICY_REFUSED, "weak-key"),
                new Case("RSA exponent 3", "tls-server", RefusedRequestsTest::rsaExponent3,
                        CaException.Kind.POLICY_REFUSED, "weak-key"),
                new Case("forbidden SAN type", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com",
                        List.of(Csrs.dns("www.example.com"), Csrs.email("root@example.com"))),
                        CaException.Kind.POLICY_REFUSED, "san-type-not-allowed"),
                new Case("SAN outside the pattern", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com",
                        List.of(Csrs.dns("www.example.com"), Csrs.dns("under_score.example.com"))),
                        CaException.Kind.POLICY_REFUSED, "san-not-allowed"),
                new Case("otherName SAN", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com",
                        List.of(Csrs.dns("www.example.com"), new GeneralName(GeneralName.registeredID, "1.2.3.4"))),
                        CaException.Kind.POLICY_REFUSED, "san-type-not-allowed"),
                new Case("CN naming another host", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=evil.example.net",
                        List.of(Csrs.dns("www.example.com"))),
                        CaException.Kind.POLICY_REFUSED, "cn-not-in-san"),
                new Case("no SAN where required", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com", List.of()),
                        CaException.Kind.POLICY_REFUSED, "san-required"),
                new Case("subject attribute not allowed", "tls-client", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256),
                        "CN=client,SERIALNUMBER=42", List.of()), CaException.Kind.POLICY_REFUSED, "subject-attribute-not-allowed"),
                new Case("required attribute missing", "document-signer", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256),
                        "O=Example", List.of()), CaException.Kind.POLICY_REFUSED, "subject-attribute-required"),
                new Case("unknown profile", "no-such-profile", RefusedRequestsTest::good,
                        CaException.Kind.NOT_FOUND, "profile-unknown"),
                new Case("CA profile from a CSR", "sub-ca", RefusedRequestsTest::good,
                        CaException.Kind.BAD_REQUEST, "profile-is-ca"),
                // A 4 KB CSR whose signature would cost seconds to check: refused by its size, unverified.
                new Case("RSA-16384 key", "tls-server", () -> hugeRsa(16384), CaException.Kind.POLICY_REFUSED, "key-too-large"),
                new Case("RSA-8192 key (profile maximum 4096)", "tls-server", () -> hugeRsa(8192),
                        CaException.Kind.POLICY_REFUSED, "key-too-large"),
                new Case("SHA-1 signature", "tls-server", () -> signedWith("SHA1withRSA"),
                        CaException.Kind.POLICY_REFUSED, "csr-signature-weak"),
                new Case("MD5 signature", "tls-server", () -> signedWith("MD5withRSA"),
                        CaException.Kind.POLICY_REFUSED, "csr-signature-weak"),
                new Case("ECDSA with SHA-1", "tls-server", () -> signedWith("SHA1withECDSA"),
                        CaException.Kind.POLICY_REFUSED, "csr-signature-weak"),
                new Case("600 OU attributes", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256),
                        "CN=www.example.com" + ",OU=unit".repeat(600), List.of(Csrs.dns("www.example.com"))),
                        CaException.Kind.POLICY_REFUSED, "subject-too-large"),
                new Case("right-to-left override in the CN", "email", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256),
                        "CN=Alice \u202Egnp.exe", List.of(Csrs.email("alice@example.com"))),
                        CaException.Kind.POLICY_REFUSED, "subject-malformed"),
                new Case("zero-width space in the O", "tls-server", () -> Csrs.csr(Csrs.keyPair(LeafKey.P256),
                        "CN=www.example.com,O=Exa\u200Bmple", List.of(Csrs.dns("www.example.com"))),
                        CaException.Kind.POLICY_REFUSED, "subject-malformed"));
        long auditBefore = f.auditEntries();
        int signaturesBefore = f.hsm.signatures.get();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            try {
                IssuedCertificate issued = f.cas.issue(ca.id(), c.profile(), c.csr().get(), "mallory");
                failures.add(c.name() + ": issued " + issued.serial());
            } catch (CaException e) {
                if (e.kind() != c.kind() || !e.code().equals(c.code())) {
                    failures.add(c.name() + ": got " + e.kind() + "/" + e.code() + " " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(auditBefore, f.auditEntries(), "nothing reserved, stored or audited");
        assertEquals(signaturesBefore, f.hsm.signatures.get(), "nothing signed");
        assertEquals(0, f.cas.search(CertificateQuery.all(ca.id(), 10)).total(), "nothing issued (its own certificate is the root's)");
    }

    @Test
    void an_unknown_ca_is_not_found_and_a_retired_ca_issues_nothing() {
        CaException unknown = expect(() -> f.cas.issue("nope", "tls-server", good(), "alice"));
        assertEquals(CaException.Kind.NOT_FOUND, unknown.kind());
        f.cas.retire(ca.id(), "admin");
        int signatures = f.hsm.signatures.get();
        CaException retired = expect(() -> f.cas.issue(ca.id(), "tls-server", good(), "alice"));
        assertEquals("ca-not-active", retired.code());
        assertEquals(CaException.Kind.CONFLICT, retired.kind());
        assertEquals(signatures, f.hsm.signatures.get());
    }

    @Test
    void a_csr_asking_for_its_own_extensions_is_refused_where_the_profile_forbids_it() throws Exception {
        KeyPair kp = Csrs.keyPair(LeafKey.P256);
        var b = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=www.example.com"), kp.getPublic());
        var ext = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
        ext.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(Csrs.dns("www.example.com")));
        ext.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                new org.bouncycastle.asn1.x509.BasicConstraints(true));
        b.addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        byte[] csr = b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .setProvider(Csrs.BC).build(kp.getPrivate())).getEncoded();
        CaException e = expect(() -> f.cas.issue(ca.id(), "tls-server", csr, "mallory"));
        assertEquals("csr-extension-not-allowed", e.code());
    }

    private static CaException expect(Runnable r) {
        try {
            r.run();
        } catch (CaException e) {
            return e;
        }
        throw new AssertionError("expected a CaException");
    }

    /** An RSA-2048 CSR whose key has e = 3, signed with a real e = 3 key. */
    /** A CSR for an RSA key of {@code bits} whose signature is junk: only its size can refuse it cheaply. */
    private static byte[] hugeRsa(int bits) {
        java.util.Random random = new java.util.Random(bits);
        java.math.BigInteger n;
        do {
            n = new java.math.BigInteger(bits, random).setBit(bits - 1).setBit(0);
        } while (!n.gcd(java.math.BigInteger.valueOf(3L * 5 * 7 * 11 * 13 * 17 * 19 * 23)).equals(java.math.BigInteger.ONE));
        try {
            var spki = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption,
                            org.bouncycastle.asn1.DERNull.INSTANCE),
                    new org.bouncycastle.asn1.pkcs.RSAPublicKey(n, java.math.BigInteger.valueOf(65537)));
            var info = new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(
                    new org.bouncycastle.asn1.x500.X500Name("CN=www.example.com"), spki, new org.bouncycastle.asn1.DERSet());
            return new org.bouncycastle.asn1.pkcs.CertificationRequest(info,
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.sha256WithRSAEncryption,
                            org.bouncycastle.asn1.DERNull.INSTANCE),
                    new org.bouncycastle.asn1.DERBitString(new byte[bits / 8])).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A well-formed CSR signed with {@code algorithm}. */
    private static byte[] signedWith(String algorithm) {
        try {
            KeyPair kp = algorithm.endsWith("ECDSA") ? Csrs.keyPair(LeafKey.P256) : Csrs.rsa(2048);
            var b = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                    new org.bouncycastle.asn1.x500.X500Name("CN=www.example.com"), kp.getPublic());
            var ext = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
            ext.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                    new org.bouncycastle.asn1.x509.GeneralNames(Csrs.dns("www.example.com")));
            b.addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            return b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm).setProvider(Csrs.BC)
                    .build(kp.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_profile_may_allow_larger_rsa_keys_up_to_8192_bits() {
        var parser = new dev.signet.ca.profile.ProfileParser();
        var p = parser.parse("big.json", "{\"name\":\"big\",\"keys\":{\"rsaMinBits\":2048,\"rsaMaxBits\":8192},"
                + "\"maxValidityDays\":30,\"subject\":{\"allowed\":[\"CN\"]},\"keyUsage\":[\"digitalSignature\"]}");
        assertEquals(8192, p.keys().rsaMaxBits());
        // Past the size check (the signature is junk, so it fails there, which shows the size passed).
        CaException e = org.junit.jupiter.api.Assertions.assertThrows(CaException.class,
                () -> dev.signet.ca.issue.RequestChecker.fromCsr(hugeRsa(8192), p, "alice"));
        assertEquals("csr-signature-invalid", e.code());
        assertEquals(4096, parser.parse("def.json", "{\"name\":\"def\",\"keys\":{\"rsaMinBits\":2048},"
                + "\"maxValidityDays\":30,\"subject\":{\"allowed\":[\"CN\"]},\"keyUsage\":[\"digitalSignature\"]}").keys().rsaMaxBits());
        org.junit.jupiter.api.Assertions.assertThrows(dev.signet.ca.ProfileException.class, () -> parser.parse("x.json",
                "{\"name\":\"x\",\"keys\":{\"rsaMinBits\":2048,\"rsaMaxBits\":16384},"
                + "\"maxValidityDays\":30,\"subject\":{\"allowed\":[\"CN\"]},\"keyUsage\":[\"digitalSignature\"]}"));
    }

    private static byte[] rsaExponent3() {
        try {
            var g = java.security.KeyPairGenerator.getInstance("RSA", Csrs.BC);
            g.initialize(new java.security.spec.RSAKeyGenParameterSpec(2048, java.math.BigInteger.valueOf(3)));
            return Csrs.csr(g.generateKeyPair(), "CN=www.example.com", List.of(Csrs.dns("www.example.com")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
