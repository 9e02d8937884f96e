package dev.signet.hsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Hsm} backend must meet. A backend's test extends this class and says
 * how to make a fresh backend and how to reopen it; the tests themselves run unchanged.
 *
 * <p>Signatures are checked with the JDK's own providers (SunRsaSign, SunEC), never with Bouncy
 * Castle, so a backend that signs with Bouncy Castle is checked by an independent implementation.
 * Table-style tests collect every failure before asserting, so one run shows all that is wrong.
 */
public abstract class HsmConformanceTest {

    /** The asymmetric key types every signature scheme is tried with. */
    protected static final List<KeyAlgorithm> SIGNING_KEYS =
            List.of(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P384, KeyAlgorithm.RSA_2048, KeyAlgorithm.ED25519);

    private static final byte[] NO_AAD = new byte[0];
    private static final byte[] MESSAGE = "Signet conformance: a message to sign".getBytes(StandardCharsets.UTF_8);

    /** The backend under test; opened before each test, closed after it. */
    protected Hsm hsm;

    /** A new backend with no keys in it. Called once before each test. */
    protected abstract Hsm newBackend() throws Exception;

    /** Closes {@code backend} and opens the same one again (same storage, same secret). */
    protected abstract Hsm reopen(Hsm backend) throws Exception;

    /** How precisely the backend records a key's creation time. */
    protected Duration createdTimePrecision() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void openBackend() throws Exception {
        hsm = newBackend();
    }

    @AfterEach
    void closeBackend() {
        if (hsm != null) {
            hsm.close();
        }
    }

    // ---------------------------------------------------------------- generation

    @Test
    void every_key_type_can_be_generated_and_found_by_label() throws Exception {
        List<String> failures = new ArrayList<>();
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            String label = "key-" + algorithm.name().toLowerCase().replace('_', '-');
            KeyPurpose purpose = algorithm.isSymmetric() ? KeyPurpose.DATA_ENCRYPTION : KeyPurpose.DOCUMENT;
            KeyHandle handle = hsm.generate(label, algorithm, purpose);
            if (!handle.label().equals(label) || handle.algorithm() != algorithm || handle.purpose() != purpose
                    || !handle.backend().equals(hsm.backendName())) {
                failures.add(algorithm + ": generate returned " + handle);
            }
            if (!hsm.find(label).equals(java.util.Optional.of(handle))) {
                failures.add(algorithm + ": find returned " + hsm.find(label));
            }
            if (!algorithm.isSymmetric()) {
                String problem = publicKeyProblem(algorithm, jdkPublicKey(handle));
                if (problem != null) {
                    failures.add(algorithm + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    private static String publicKeyProblem(KeyAlgorithm algorithm, PublicKey key) {
        switch (algorithm.family()) {
            case RSA -> {
                int bits = ((RSAPublicKey) key).getModulus().bitLength();
                return bits == algorithm.bits() ? null : "modulus has " + bits + " bits";
            }
            case EC -> {
                int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
                return bits == algorithm.bits() ? null : "curve field has " + bits + " bits";
            }
            case EDDSA -> {
                return key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")
                        ? null : "public key algorithm is " + key.getAlgorithm();
            }
            default -> {
                return "unexpected family";
            }
        }
    }

    // ---------------------------------------------------------------- signatures

    @Test
    void every_signature_algorithm_verifies_with_the_jdk_providers() throws Exception {
        List<String> failures = new ArrayList<>();
        for (KeyAlgorithm keyAlgorithm : SIGNING_KEYS) {
            KeyHandle key = hsm.generate("sig-" + keyAlgorithm, keyAlgorithm, KeyPurpose.DOCUMENT);
            PublicKey pub = jdkPublicKey(key);
            for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
                if (!algorithm.fits(keyAlgorithm)) {
                    continue;
                }
                byte[] signature = hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, MESSAGE);
                if (!jdkVerifies(pub, algorithm, MESSAGE, signature)) {
                    failures.add(algorithm + " with " + keyAlgorithm + ": the JDK rejects the signature");
                }
                if (jdkVerifies(pub, algorithm, "another message".getBytes(StandardCharsets.UTF_8), signature)) {
                    failures.add(algorithm + " with " + keyAlgorithm + ": the signature also verifies for another message");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void a_signature_over_a_digest_is_a_valid_signature_over_the_message() throws Exception {
        List<String> failures = new ArrayList<>();
        for (KeyAlgorithm keyAlgorithm : SIGNING_KEYS) {
            KeyHandle key = hsm.generate("digest-" + keyAlgorithm, keyAlgorithm, KeyPurpose.DOCUMENT);
            PublicKey pub = jdkPublicKey(key);
            for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
                if (!algorithm.fits(keyAlgorithm) || algorithm.digestAlgorithm() == null) {
                    continue;
                }
                byte[] digest = MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(MESSAGE);
                byte[] overDigest = hsm.signDigest(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, digest);
                if (!jdkVerifies(pub, algorithm, MESSAGE, overDigest)) {
                    failures.add(algorithm + " with " + keyAlgorithm + ": the JDK rejects the signature over the digest");
                }
                boolean deterministic = algorithm.keyFamily() == KeyAlgorithm.Family.RSA && !algorithm.isPss();
                if (deterministic && !java.util.Arrays.equals(overDigest, hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, MESSAGE))) {
                    failures.add(algorithm + " with " + keyAlgorithm + ": differs from the signature over the message");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void content_signer_signs_self_signed_certificates_the_jdk_accepts() throws Exception {
        record Case(KeyAlgorithm key, SignatureAlgorithm algorithm) {
        }
        List<Case> cases = List.of(
                new Case(KeyAlgorithm.EC_P256, SignatureAlgorithm.ECDSA_SHA256),
                new Case(KeyAlgorithm.EC_P384, SignatureAlgorithm.ECDSA_SHA384),
                new Case(KeyAlgorithm.RSA_2048, SignatureAlgorithm.RSA_PKCS1_SHA256),
                new Case(KeyAlgorithm.RSA_2048, SignatureAlgorithm.RSA_PSS_SHA256),
                new Case(KeyAlgorithm.RSA_2048, SignatureAlgorithm.RSA_PSS_SHA512),
                new Case(KeyAlgorithm.ED25519, SignatureAlgorithm.ED25519));
        List<String> failures = new ArrayList<>();
        CertificateFactory x509 = CertificateFactory.getInstance("X.509", "SUN");
        for (Case c : cases) {
            KeyHandle key = hsm.find("cert-" + c.key())
                    .orElseGet(() -> hsm.generate("cert-" + c.key(), c.key(), KeyPurpose.DOCUMENT));
            PublicKey pub = jdkPublicKey(key);
            X500Name name = new X500Name("CN=Signet conformance " + c.algorithm());
            Instant now = Instant.now();
            byte[] der = new X509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name,
                    SubjectPublicKeyInfo.getInstance(pub.getEncoded()))
                    .build(HsmContentSigner.of(hsm, key, SignedObject.DOCUMENT_SIGNATURE, c.algorithm()))
                    .getEncoded();
            X509Certificate cert = (X509Certificate) x509.generateCertificate(new java.io.ByteArrayInputStream(der));
            try {
                cert.verify(pub);
            } catch (Exception e) {
                failures.add(c + ": the JDK rejects the certificate: " + e);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void content_signer_refuses_an_algorithm_that_does_not_fit_the_key() {
        KeyHandle ec = hsm.generate("ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        assertThrows(HsmException.AlgorithmMismatch.class, () -> HsmContentSigner.of(hsm, ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA256));
    }

    // ---------------------------------------------------------------- AES-GCM

    @Test
    void aes_gcm_round_trips_with_associated_data() {
        KeyHandle key = hsm.generate("seal", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        byte[] plaintext = "row 42: the secret column".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "table=t,row=42".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = hsm.encrypt(key, plaintext, aad);
        byte[] again = hsm.encrypt(key, plaintext, aad);

        assertEquals(12 + plaintext.length + 16, sealed.length, "nonce(12) || ciphertext || tag(16)");
        assertFalse(java.util.Arrays.equals(sealed, again), "each encryption uses a fresh nonce");
        assertArrayEquals(plaintext, hsm.decrypt(key, sealed, aad));
        assertArrayEquals(plaintext, hsm.decrypt(key, again, aad));
        assertArrayEquals(new byte[0], hsm.decrypt(key, hsm.encrypt(key, new byte[0], aad), aad));
    }

    @Test
    void aes_gcm_rejects_other_associated_data() {
        KeyHandle key = hsm.generate("seal", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        byte[] sealed = hsm.encrypt(key, new byte[] {1, 2, 3}, "row=1".getBytes(StandardCharsets.UTF_8));
        assertThrows(HsmException.DecryptionFailed.class,
                () -> hsm.decrypt(key, sealed, "row=2".getBytes(StandardCharsets.UTF_8)));
        assertThrows(HsmException.DecryptionFailed.class, () -> hsm.decrypt(key, sealed, new byte[0]));
    }

    @Test
    void aes_gcm_rejects_tampered_truncated_or_foreign_ciphertext() {
        KeyHandle key = hsm.generate("seal", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        KeyHandle other = hsm.generate("other", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        byte[] aad = "ctx".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = hsm.encrypt(key, "some plaintext".getBytes(StandardCharsets.UTF_8), aad);
        List<String> failures = new ArrayList<>();
        // One flipped bit in the nonce, the ciphertext and the tag.
        for (int position : new int[] {0, 11, 12, sealed.length - 17, sealed.length - 16, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[position] ^= 0x01;
            if (!throwsDecryptionFailed(() -> hsm.decrypt(key, tampered, aad))) {
                failures.add("a flipped bit at byte " + position + " was not detected");
            }
        }
        for (int length : new int[] {0, 12, 27, sealed.length - 1}) {
            byte[] truncated = java.util.Arrays.copyOf(sealed, length);
            if (!throwsDecryptionFailed(() -> hsm.decrypt(key, truncated, aad))) {
                failures.add("truncation to " + length + " bytes was not detected");
            }
        }
        if (!throwsDecryptionFailed(() -> hsm.decrypt(other, sealed, aad))) {
            failures.add("another key decrypted the ciphertext");
        }
        assertEquals(List.of(), failures);
    }

    private static boolean throwsDecryptionFailed(Runnable r) {
        try {
            r.run();
            return false;
        } catch (HsmException.DecryptionFailed e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- persistence and listing

    @Test
    void keys_survive_close_and_reopen() throws Exception {
        KeyHandle ec = hsm.generate("p-ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        KeyHandle rsa = hsm.generate("p-rsa", KeyAlgorithm.RSA_2048, KeyPurpose.DOCUMENT);
        KeyHandle ed = hsm.generate("p-ed", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
        KeyHandle aes = hsm.generate("p-aes", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        byte[] ecPublic = hsm.publicKey(ec).getEncoded();
        byte[] rsaPublic = hsm.publicKey(rsa).getEncoded();
        byte[] edPublic = hsm.publicKey(ed).getEncoded();
        byte[] aad = "aad".getBytes(StandardCharsets.UTF_8);
        byte[] sealedBefore = hsm.encrypt(aes, MESSAGE, aad);
        byte[] rsaSignatureBefore = hsm.sign(rsa, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE);
        List<KeyInfo> listBefore = hsm.list();

        hsm = reopen(hsm);

        assertEquals(listBefore, hsm.list());
        assertEquals(ec, hsm.get("p-ec"));
        assertArrayEquals(ecPublic, hsm.publicKey(ec).getEncoded());
        assertArrayEquals(rsaPublic, hsm.publicKey(rsa).getEncoded());
        assertArrayEquals(edPublic, hsm.publicKey(ed).getEncoded());
        assertTrue(jdkVerifies(jdkPublicKey(ecPublic, KeyAlgorithm.EC_P256), SignatureAlgorithm.ECDSA_SHA256, MESSAGE,
                hsm.sign(ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE)));
        assertTrue(jdkVerifies(jdkPublicKey(edPublic, KeyAlgorithm.ED25519), SignatureAlgorithm.ED25519, MESSAGE,
                hsm.sign(ed, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, MESSAGE)));
        assertArrayEquals(rsaSignatureBefore, hsm.sign(rsa, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE),
                "PKCS#1 v1.5 is deterministic, so the same key gives the same signature");
        assertArrayEquals(MESSAGE, hsm.decrypt(aes, sealedBefore, aad));
    }

    @Test
    void list_reports_every_key_in_label_order_with_its_details() {
        Instant before = Instant.now();
        hsm.generate("charlie", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
        hsm.generate("alpha", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        hsm.generate("bravo", KeyAlgorithm.EC_P384, KeyPurpose.DOCUMENT);
        Instant after = Instant.now();

        List<KeyInfo> keys = hsm.list();

        assertEquals(List.of("alpha", "bravo", "charlie"), keys.stream().map(KeyInfo::label).toList());
        assertEquals(List.of(KeyAlgorithm.AES_256, KeyAlgorithm.EC_P384, KeyAlgorithm.ED25519),
                keys.stream().map(KeyInfo::algorithm).toList());
        assertEquals(List.of(Set.of(KeyOperation.ENCRYPT, KeyOperation.DECRYPT), Set.of(KeyOperation.SIGN), Set.of(KeyOperation.SIGN)),
                keys.stream().map(k -> k.policy().allowed()).toList());
        assertEquals(List.of(KeyPurpose.DATA_ENCRYPTION, KeyPurpose.DOCUMENT, KeyPurpose.DOCUMENT),
                keys.stream().map(KeyInfo::purpose).toList());
        Duration slack = createdTimePrecision();
        for (KeyInfo k : keys) {
            assertEquals(hsm.backendName(), k.backend());
            assertEquals(hsm.get(k.label()), k.handle());
            assertFalse(k.created().isBefore(before.minus(slack)) || k.created().isAfter(after.plus(slack)),
                    k.label() + " created " + k.created() + ", outside [" + before + ", " + after + "]");
        }
    }

    @Test
    void an_empty_backend_lists_no_keys() {
        assertEquals(List.of(), hsm.list());
    }

    @Test
    void destroy_frees_the_label_for_good() throws Exception {
        KeyHandle first = hsm.generate("reused", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        byte[] firstPublic = hsm.publicKey(first).getEncoded();
        hsm.generate("kept", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);

        hsm.destroy(first);

        assertTrue(hsm.find("reused").isEmpty());
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.sign(first, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
        assertEquals(List.of("kept"), hsm.list().stream().map(KeyInfo::label).toList());
        hsm = reopen(hsm);
        assertTrue(hsm.find("reused").isEmpty(), "a destroyed key must not come back after a restart");
        KeyHandle second = hsm.generate("reused", KeyAlgorithm.RSA_2048, KeyPurpose.DOCUMENT);
        assertEquals(KeyAlgorithm.RSA_2048, hsm.get("reused").algorithm());
        assertNotEquals(java.util.Arrays.toString(firstPublic), java.util.Arrays.toString(hsm.publicKey(second).getEncoded()));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void sixteen_threads_signing_concurrently_give_only_valid_signatures() throws Exception {
        List<KeyHandle> keys = List.of(
                hsm.generate("c-ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT),
                hsm.generate("c-ed", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT),
                hsm.generate("c-rsa", KeyAlgorithm.RSA_2048, KeyPurpose.DOCUMENT));
        List<PublicKey> publicKeys = new ArrayList<>();
        for (KeyHandle k : keys) {
            publicKeys.add(jdkPublicKey(k));
        }
        record Signed(int key, SignatureAlgorithm algorithm, byte[] message, byte[] signature) {
        }
        int threads = 16;
        int perThread = 24;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Signed> results = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int k = (thread + i) % keys.size();
                        KeyHandle key = keys.get(k);
                        SignatureAlgorithm algorithm = SignatureAlgorithm.defaultFor(key.algorithm());
                        byte[] message = ("thread " + thread + " message " + i).getBytes(StandardCharsets.UTF_8);
                        byte[] signature = (i % 2 == 0 || algorithm.digestAlgorithm() == null)
                                ? hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, message)
                                : hsm.signDigest(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(message));
                        results.add(new Signed(k, algorithm, message, signature));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, results.size());
        List<String> failures = new ArrayList<>();
        for (Signed s : results) {
            if (!jdkVerifies(publicKeys.get(s.key()), s.algorithm(), s.message(), s.signature())) {
                failures.add(s.algorithm() + " over '" + new String(s.message(), StandardCharsets.UTF_8) + "' does not verify");
            }
        }
        assertEquals(List.of(), failures);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void a_policy_that_does_not_fit_the_algorithm_is_refused_and_creates_nothing() {
        assertThrows(HsmException.AlgorithmMismatch.class,
                () -> hsm.generate("ec-enc", KeyAlgorithm.EC_P256, KeyPurpose.DATA_ENCRYPTION));
        assertThrows(HsmException.AlgorithmMismatch.class,
                () -> hsm.generate("aes-sign", KeyAlgorithm.AES_256, KeyPurpose.DOCUMENT));
        assertEquals(List.of(), hsm.list());
    }

    @Test
    void an_unknown_label_is_reported_as_not_found() {
        KeyHandle ghost = hsm.generate("ghost", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        KeyHandle ghostAes = hsm.generate("ghost-aes", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        hsm.destroy(ghost);
        hsm.destroy(ghostAes);
        byte[] digest = new byte[32];

        assertTrue(hsm.find("ghost").isEmpty());
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.get("ghost"));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.publicKey(ghost));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.sign(ghost, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.signDigest(ghost, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, digest));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.encrypt(ghostAes, MESSAGE, NO_AAD));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.decrypt(ghostAes, new byte[40], NO_AAD));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.destroy(ghost));
        HsmException e = assertThrows(HsmException.KeyNotFound.class, () -> hsm.get("ghost"));
        assertTrue(e.getMessage().contains("ghost"), "the error names the label: " + e.getMessage());
    }

    @Test
    void a_duplicate_label_is_refused_and_the_first_key_kept() throws Exception {
        KeyHandle first = hsm.generate("dup", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        byte[] firstPublic = hsm.publicKey(first).getEncoded();

        assertThrows(HsmException.DuplicateLabel.class, () -> hsm.generate("dup", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT));
        assertThrows(HsmException.DuplicateLabel.class, () -> hsm.generate("dup", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION));

        assertEquals(first, hsm.get("dup"));
        assertArrayEquals(firstPublic, hsm.publicKey(first).getEncoded());
        assertEquals(1, hsm.list().size());
        hsm = reopen(hsm);
        assertArrayEquals(firstPublic, hsm.publicKey(first).getEncoded());
    }

    @Test
    void an_algorithm_that_does_not_fit_the_key_is_refused() {
        List<String> failures = new ArrayList<>();
        List<KeyHandle> keys = new ArrayList<>();
        for (KeyAlgorithm a : SIGNING_KEYS) {
            keys.add(hsm.generate("fit-" + a, a, KeyPurpose.DOCUMENT));
        }
        KeyHandle aes = hsm.generate("fit-aes", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        keys.add(aes);
        for (KeyHandle key : keys) {
            for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
                // An AES key is refused by its purpose before its algorithm is looked at (the matrix test).
                if (algorithm.fits(key.algorithm()) || key.algorithm().isSymmetric()) {
                    continue;
                }
                if (!throwsType(HsmException.AlgorithmMismatch.class, () -> hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, MESSAGE))) {
                    failures.add("sign: " + algorithm + " with " + key.algorithm() + " was not refused as a mismatch");
                }
                byte[] digest = new byte[algorithm.digestAlgorithm() == null ? 32 : digestLength(algorithm)];
                if (!throwsType(HsmException.AlgorithmMismatch.class, () -> hsm.signDigest(key, SignedObject.DOCUMENT_SIGNATURE, algorithm, digest))) {
                    failures.add("signDigest: " + algorithm + " with " + key.algorithm() + " was not refused as a mismatch");
                }
            }
        }
        if (!throwsType(HsmException.AlgorithmMismatch.class, () -> hsm.publicKey(aes))) {
            failures.add("publicKey of an AES key was not refused as a mismatch");
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void a_handle_made_outside_the_backend_is_refused_even_with_a_real_label_and_purpose() {
        KeyHandle real = hsm.generate("really-ca", KeyAlgorithm.EC_P256, KeyPurpose.CA);
        KeyHandle forged = new HandleIssuer(hsm.backendName()).handle("really-ca", KeyAlgorithm.EC_P256, KeyPurpose.CA);
        assertThrows(HsmException.ForeignHandle.class,
                () -> hsm.sign(forged, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
        assertThrows(HsmException.ForeignHandle.class,
                () -> hsm.signDigest(forged, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, new byte[32]));
        assertThrows(HsmException.ForeignHandle.class, () -> hsm.destroy(forged));
        assertTrue(hsm.find("really-ca").isPresent(), "the real key is untouched");
        hsm.sign(real, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE);
    }

    /**
     * Every purpose against every operation, through the backend's own operations (not a view that
     * could check on its behalf): only the cells the purpose permits succeed, every other is a
     * {@link HsmException.PurposeMismatch}. Collects every wrong cell so one run shows them all.
     */
    @Test
    void each_purpose_signs_only_what_it_exists_for_and_every_refusal_is_a_purpose_mismatch() {
        List<String> failures = new ArrayList<>();
        byte[] digest = sha256(MESSAGE);
        for (KeyPurpose purpose : KeyPurpose.values()) {
            KeyAlgorithm algorithm = purpose.isSymmetric() ? KeyAlgorithm.AES_256 : KeyAlgorithm.EC_P256;
            KeyHandle key = hsm.generate("m-" + purpose.name().toLowerCase().replace('_', '-'), algorithm, purpose);
            for (SignedObject what : SignedObject.values()) {
                boolean intended = purpose.permits(what);
                cell(failures, purpose + " x sign " + what, intended,
                        () -> hsm.sign(key, what, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
                cell(failures, purpose + " x signDigest " + what, intended,
                        () -> hsm.signDigest(key, what, SignatureAlgorithm.ECDSA_SHA256, digest));
                if (!purpose.isSymmetric()) {
                    ScopedSigner signer = hsm.signer(key);
                    cell(failures, purpose + " x scoped signer " + what, intended,
                            () -> signer.contentSigner(what).getOutputStream());
                }
            }
            boolean data = purpose == KeyPurpose.DATA_ENCRYPTION;
            cell(failures, purpose + " x encrypt", data, () -> hsm.encrypt(key, MESSAGE, NO_AAD));
            cell(failures, purpose + " x decrypt", data, () -> {
                if (data) {
                    hsm.decrypt(key, hsm.encrypt(key, MESSAGE, NO_AAD), NO_AAD);
                } else {
                    hsm.decrypt(key, new byte[40], NO_AAD);
                }
                return null;
            });
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void a_purpose_view_never_hands_out_a_key_of_another_purpose() {
        hsm.generate("an-ocsp-key", KeyAlgorithm.EC_P256, KeyPurpose.OCSP);
        hsm.generate("a-data-key", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        SigningKeys caKeys = hsm.signingKeys(KeyPurpose.CA);
        HsmException.PurposeMismatch e = assertThrows(HsmException.PurposeMismatch.class, () -> caKeys.find("an-ocsp-key"));
        assertEquals(KeyPurpose.OCSP, e.purpose());
        assertThrows(HsmException.PurposeMismatch.class, () -> caKeys.destroy("an-ocsp-key"));
        assertThrows(HsmException.PurposeMismatch.class, () -> hsm.encryptionKeys().find("an-ocsp-key"));
        assertThrows(HsmException.PurposeMismatch.class, () -> hsm.signingKeys(KeyPurpose.DOCUMENT).find("a-data-key"));
        assertEquals(List.of(), caKeys.list());
        assertEquals(List.of("an-ocsp-key"), hsm.signingKeys(KeyPurpose.OCSP).list().stream().map(KeyInfo::label).toList());
        ScopedSigner ca = caKeys.generate("a-ca-key", KeyAlgorithm.EC_P256);
        assertEquals(KeyPurpose.CA, ca.purpose());
        assertEquals(KeyPurpose.CA, hsm.get("a-ca-key").purpose());
    }

    @Test
    void the_purpose_is_kept_with_the_key_across_a_reopen() throws Exception {
        for (KeyPurpose purpose : KeyPurpose.values()) {
            hsm.generate("kept-" + purpose.name().toLowerCase().replace('_', '-'),
                    purpose.isSymmetric() ? KeyAlgorithm.AES_256 : KeyAlgorithm.EC_P256, purpose);
        }
        hsm = reopen(hsm);
        for (KeyPurpose purpose : KeyPurpose.values()) {
            assertEquals(purpose, hsm.get("kept-" + purpose.name().toLowerCase().replace('_', '-')).purpose());
        }
        assertThrows(HsmException.PurposeMismatch.class, () -> hsm.sign(hsm.get("kept-ocsp"), SignedObject.CERTIFICATE,
                SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
    }

    private static void cell(List<String> failures, String name, boolean intended, java.util.concurrent.Callable<?> op) {
        try {
            op.call();
            if (!intended) {
                failures.add(name + ": succeeded but must be refused");
            }
        } catch (HsmException.PurposeMismatch e) {
            if (intended) {
                failures.add(name + ": refused but is the intended use (" + e.getMessage() + ")");
            }
        } catch (Exception e) {
            failures.add(name + ": " + e.getClass().getSimpleName() + " instead of "
                    + (intended ? "success" : "PurposeMismatch") + ": " + e.getMessage());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void ed25519_cannot_sign_a_precomputed_digest() {
        KeyHandle ed = hsm.generate("ed", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
        byte[] digest = new byte[64];
        assertThrows(HsmException.Unsupported.class, () -> hsm.signDigest(ed, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, digest));
    }

    @Test
    void a_digest_of_the_wrong_length_is_refused() {
        KeyHandle ec = hsm.generate("ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        KeyHandle rsa = hsm.generate("rsa", KeyAlgorithm.RSA_2048, KeyPurpose.DOCUMENT);
        assertThrows(IllegalArgumentException.class, () -> hsm.signDigest(ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, new byte[20]));
        assertThrows(IllegalArgumentException.class, () -> hsm.signDigest(ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA384, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> hsm.signDigest(rsa, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA512, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> hsm.signDigest(rsa, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PSS_SHA256, new byte[33]));
    }

    @Test
    void a_closed_backend_refuses_every_operation() {
        KeyHandle ec = hsm.generate("ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        hsm.close();
        assertThrows(HsmException.class, () -> hsm.sign(ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
        assertThrows(HsmException.class, () -> hsm.generate("late", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT));
        assertThrows(HsmException.class, () -> hsm.list());
        hsm.close(); // closing twice is harmless
    }

    // ---------------------------------------------------------------- independent checks (JDK providers only)

    /** The backend's public key, re-decoded by the JDK so verification never touches the backend's provider. */
    protected PublicKey jdkPublicKey(KeyHandle key) throws Exception {
        return jdkPublicKey(hsm.publicKey(key).getEncoded(), key.algorithm());
    }

    protected static PublicKey jdkPublicKey(byte[] spki, KeyAlgorithm algorithm) throws Exception {
        KeyFactory factory = switch (algorithm.family()) {
            case RSA -> KeyFactory.getInstance("RSA", "SunRsaSign");
            case EC -> KeyFactory.getInstance("EC", "SunEC");
            case EDDSA -> KeyFactory.getInstance("Ed25519", "SunEC");
            case AES -> throw new IllegalArgumentException("AES keys have no public key");
        };
        return factory.generatePublic(new X509EncodedKeySpec(spki));
    }

    /** Verifies with SunRsaSign or SunEC; PSS uses MGF1 with the same digest and a digest-length salt. */
    protected static boolean jdkVerifies(PublicKey key, SignatureAlgorithm algorithm, byte[] message, byte[] signature)
            throws Exception {
        Signature v;
        if (algorithm.isPss()) {
            v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
            String digest = algorithm.digestAlgorithm();
            v.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), digestLength(algorithm), 1));
        } else {
            v = Signature.getInstance(algorithm.jcaName(), algorithm.keyFamily() == KeyAlgorithm.Family.RSA ? "SunRsaSign" : "SunEC");
        }
        v.initVerify(key);
        v.update(message);
        try {
            return v.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    protected static int digestLength(SignatureAlgorithm algorithm) {
        return switch (algorithm.digestAlgorithm()) {
            case "SHA-256" -> 32;
            case "SHA-384" -> 48;
            case "SHA-512" -> 64;
            default -> throw new IllegalArgumentException(algorithm.digestAlgorithm());
        };
    }

    private static boolean throwsType(Class<? extends Throwable> type, Runnable r) {
        try {
            r.run();
            return false;
        } catch (Throwable t) {
            return type.isInstance(t);
        }
    }
}
