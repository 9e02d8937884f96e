package dev.signet.hsm.pkcs11;

import dev.signet.hsm.SignedObject;
import dev.signet.hsm.KeyPurpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#11 backend against a SoftHSM2 token; every signature is checked by the JDK's own providers. */
class Pkcs11HsmTest {

    private static Pkcs11Hsm hsm;
    private static final Map<KeyAlgorithm, KeyHandle> KEYS = new EnumMap<>(KeyAlgorithm.class);

    @BeforeAll
    static void openAndGenerateOneKeyOfEachType() {
        hsm = Pkcs11Hsm.open(SoftHsm2TestToken.config());
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            KeyPurpose purpose = a.isSymmetric() ? KeyPurpose.DATA_ENCRYPTION : KeyPurpose.DOCUMENT;
            KEYS.put(a, hsm.generate(SoftHsm2TestToken.uniqueLabel("unit-" + a), a, purpose));
        }
    }

    @AfterAll
    static void close() {
        if (hsm != null) {
            hsm.close();
        }
    }

    @Test
    void every_signature_algorithm_gives_signatures_the_jdk_verifies_over_message_and_digest() throws Exception {
        byte[] message = "a message signed inside the token".getBytes(StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        for (KeyHandle key : KEYS.values()) {
            if (key.algorithm().isSymmetric()) {
                continue;
            }
            PublicKey pub = hsm.publicKey(key);
            for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
                if (!alg.fits(key.algorithm())) {
                    continue;
                }
                if (!verifies(alg, pub, message, hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, alg, message))) {
                    failures.add(alg + " over the message with " + key.algorithm());
                }
                if (alg.digestAlgorithm() != null) {
                    byte[] digest = MessageDigest.getInstance(alg.digestAlgorithm()).digest(message);
                    if (!verifies(alg, pub, message, hsm.signDigest(key, SignedObject.DOCUMENT_SIGNATURE, alg, digest))) {
                        failures.add(alg + " over the digest with " + key.algorithm());
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void a_signature_over_other_data_does_not_verify() throws Exception {
        KeyHandle key = KEYS.get(KeyAlgorithm.EC_P256);
        byte[] sig = hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, "one".getBytes(StandardCharsets.UTF_8));
        assertFalse(verifies(SignatureAlgorithm.ECDSA_SHA256, hsm.publicKey(key),
                "two".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void public_keys_have_the_size_and_curve_of_their_algorithm() {
        assertEquals(2048, ((RSAPublicKey) hsm.publicKey(KEYS.get(KeyAlgorithm.RSA_2048))).getModulus().bitLength());
        assertEquals(3072, ((RSAPublicKey) hsm.publicKey(KEYS.get(KeyAlgorithm.RSA_3072))).getModulus().bitLength());
        assertEquals(4096, ((RSAPublicKey) hsm.publicKey(KEYS.get(KeyAlgorithm.RSA_4096))).getModulus().bitLength());
        assertEquals(256, ((ECPublicKey) hsm.publicKey(KEYS.get(KeyAlgorithm.EC_P256))).getParams().getOrder().bitLength());
        assertEquals(384, ((ECPublicKey) hsm.publicKey(KEYS.get(KeyAlgorithm.EC_P384))).getParams().getOrder().bitLength());
        assertEquals("EdDSA", hsm.publicKey(KEYS.get(KeyAlgorithm.ED25519)).getAlgorithm());
    }

    @Test
    void aes_gcm_output_is_nonce_ciphertext_tag_and_decrypts_with_the_same_associated_data() {
        KeyHandle key = KEYS.get(KeyAlgorithm.AES_256);
        byte[] plaintext = "sealed at rest".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "row 42".getBytes(StandardCharsets.UTF_8);
        byte[] a = hsm.encrypt(key, plaintext, aad);
        byte[] b = hsm.encrypt(key, plaintext, aad);
        assertEquals(12 + plaintext.length + 16, a.length);
        assertFalse(Arrays.equals(Arrays.copyOf(a, 12), Arrays.copyOf(b, 12)), "each encryption has a fresh nonce");
        assertArrayEquals(plaintext, hsm.decrypt(key, a, aad));
        assertArrayEquals(plaintext, hsm.decrypt(key, b, aad));
        assertArrayEquals(new byte[0], hsm.decrypt(key, hsm.encrypt(key, new byte[0], null), null));
    }

    @Test
    void tampered_or_truncated_ciphertext_or_wrong_associated_data_is_a_decryption_failure() {
        KeyHandle key = KEYS.get(KeyAlgorithm.AES_256);
        byte[] aad = "row 42".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = hsm.encrypt(key, "secret".getBytes(StandardCharsets.UTF_8), aad);
        byte[] tampered = sealed.clone();
        tampered[14] ^= 1;
        assertThrows(HsmException.DecryptionFailed.class, () -> hsm.decrypt(key, tampered, aad));
        assertThrows(HsmException.DecryptionFailed.class,
                () -> hsm.decrypt(key, sealed, "row 43".getBytes(StandardCharsets.UTF_8)));
        assertThrows(HsmException.DecryptionFailed.class,
                () -> hsm.decrypt(key, Arrays.copyOf(sealed, sealed.length - 1), aad));
        assertThrows(HsmException.DecryptionFailed.class, () -> hsm.decrypt(key, Arrays.copyOf(sealed, 20), aad));
    }

    @Test
    void list_reports_label_algorithm_backend_creation_time_and_allowed_operations() {
        Instant before = Instant.now().minusMillis(1);
        KeyHandle key = hsm.generate(SoftHsm2TestToken.uniqueLabel("listed"), KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
        Instant after = Instant.now().plusMillis(1);

        List<KeyInfo> all = hsm.list();
        KeyInfo info = all.stream().filter(i -> i.label().equals(key.label())).findFirst().orElseThrow();
        assertEquals(KeyAlgorithm.AES_256, info.algorithm());
        assertEquals("pkcs11", info.backend());
        assertEquals(KeyPolicy.sealing(), info.policy());
        assertEquals(KeyPurpose.DATA_ENCRYPTION, info.purpose());
        assertNotNull(info.created());
        assertFalse(info.created().isBefore(before) || info.created().isAfter(after), "created " + info.created());
        for (KeyHandle k : KEYS.values()) {
            assertTrue(all.stream().anyMatch(i -> i.handle().equals(k)), k + " is listed");
        }
        List<String> labels = all.stream().map(KeyInfo::label).toList();
        assertEquals(labels.stream().sorted().toList(), labels, "ordered by label");
    }

    @Test
    void keys_are_found_again_by_label_after_close_and_reopen() throws Exception {
        String label = SoftHsm2TestToken.uniqueLabel("persist");
        KeyHandle key;
        PublicKey pub;
        Instant created;
        try (Pkcs11Hsm first = Pkcs11Hsm.open(SoftHsm2TestToken.config(2))) {
            key = first.generate(label, KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
            pub = first.publicKey(key);
            created = first.list().stream().filter(i -> i.label().equals(label)).findFirst().orElseThrow().created();
        }
        try (Pkcs11Hsm second = Pkcs11Hsm.open(SoftHsm2TestToken.config(2))) {
            assertEquals(Optional.of(key), second.find(label));
            assertEquals(pub, second.publicKey(key));
            KeyInfo info = second.list().stream().filter(i -> i.label().equals(label)).findFirst().orElseThrow();
            assertEquals(created, info.created());
            byte[] message = "after restart".getBytes(StandardCharsets.UTF_8);
            assertTrue(verifies(SignatureAlgorithm.ED25519, pub, message, second.sign(key, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, message)));
        }
    }

    @Test
    void a_duplicate_label_is_refused_and_the_first_key_is_kept() {
        KeyHandle key = KEYS.get(KeyAlgorithm.EC_P256);
        PublicKey before = hsm.publicKey(key);
        assertThrows(HsmException.DuplicateLabel.class,
                () -> hsm.generate(key.label(), KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT));
        assertThrows(HsmException.DuplicateLabel.class,
                () -> hsm.generate(key.label(), KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION));
        assertEquals(before, hsm.publicKey(key));
    }

    @Test
    void an_unknown_label_is_key_not_found() {
        String label = SoftHsm2TestToken.uniqueLabel("nobody");
        assertEquals(Optional.empty(), hsm.find(label));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.get(label));
        KeyHandle ghost = hsm.generate(label, KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        hsm.destroy(ghost);
        assertThrows(HsmException.KeyNotFound.class,
                () -> hsm.sign(ghost, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, new byte[1]));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.publicKey(ghost));
        assertThrows(HsmException.KeyNotFound.class, () -> hsm.destroy(ghost));
    }

    @Test
    void a_policy_that_does_not_fit_the_algorithm_is_refused() {
        assertThrows(HsmException.AlgorithmMismatch.class, () -> hsm.generate(
                SoftHsm2TestToken.uniqueLabel("bad-policy"), KeyAlgorithm.EC_P256, KeyPurpose.DATA_ENCRYPTION));
        assertThrows(HsmException.AlgorithmMismatch.class, () -> hsm.generate(
                SoftHsm2TestToken.uniqueLabel("bad-policy"), KeyAlgorithm.AES_256, KeyPurpose.DOCUMENT));
    }

    @Test
    void an_algorithm_that_does_not_fit_the_key_is_a_mismatch() {
        byte[] data = new byte[8];
        assertThrows(HsmException.AlgorithmMismatch.class,
                () -> hsm.sign(KEYS.get(KeyAlgorithm.RSA_2048), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, data));
        assertThrows(HsmException.AlgorithmMismatch.class,
                () -> hsm.sign(KEYS.get(KeyAlgorithm.EC_P256), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, data));
        assertThrows(HsmException.PurposeMismatch.class,
                () -> hsm.encrypt(KEYS.get(KeyAlgorithm.EC_P384), data, null));
        assertThrows(HsmException.AlgorithmMismatch.class, () -> hsm.publicKey(KEYS.get(KeyAlgorithm.AES_256)));
    }

    @Test
    void a_digest_of_the_wrong_length_is_an_illegal_argument() {
        assertThrows(IllegalArgumentException.class,
                () -> hsm.signDigest(KEYS.get(KeyAlgorithm.EC_P256), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, new byte[20]));
        assertThrows(IllegalArgumentException.class,
                () -> hsm.signDigest(KEYS.get(KeyAlgorithm.RSA_2048), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA384, new byte[32]));
    }

    @Test
    void ed25519_over_a_digest_is_unsupported() {
        assertThrows(HsmException.Unsupported.class,
                () -> hsm.signDigest(KEYS.get(KeyAlgorithm.ED25519), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, new byte[32]));
    }

    @Test
    void a_destroyed_key_is_gone_and_its_label_is_free_again() {
        String label = SoftHsm2TestToken.uniqueLabel("destroyed");
        KeyHandle key = hsm.generate(label, KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        hsm.destroy(key);
        assertEquals(Optional.empty(), hsm.find(label));
        assertTrue(hsm.list().stream().noneMatch(i -> i.label().equals(label)));
        try (Pkcs11Hsm other = Pkcs11Hsm.open(SoftHsm2TestToken.config(1))) {
            assertEquals(Optional.empty(), other.find(label), "gone from the token, not only from a cache");
        }
        KeyHandle again = hsm.generate(label, KeyAlgorithm.RSA_2048, KeyPurpose.DOCUMENT);
        assertEquals(KeyAlgorithm.RSA_2048, again.algorithm());
    }

    @Test
    void sixteen_threads_signing_at_once_give_only_valid_signatures() throws Exception {
        try (Pkcs11Hsm shared = Pkcs11Hsm.open(SoftHsm2TestToken.config(4))) {
            KeyHandle ec = KEYS.get(KeyAlgorithm.EC_P256);
            KeyHandle ed = KEYS.get(KeyAlgorithm.ED25519);
            KeyHandle rsa = KEYS.get(KeyAlgorithm.RSA_2048);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    int thread = t;
                    Callable<List<String>> work = () -> {
                        List<String> bad = new ArrayList<>();
                        for (int i = 0; i < 25; i++) {
                            byte[] m = ("thread " + thread + " message " + i).getBytes(StandardCharsets.UTF_8);
                            KeyHandle k = i % 3 == 0 ? ec : i % 3 == 1 ? ed : rsa;
                            SignatureAlgorithm alg = SignatureAlgorithm.defaultFor(k.algorithm());
                            if (!verifies(alg, shared.publicKey(k), m, shared.sign(k, SignedObject.DOCUMENT_SIGNATURE, alg, m))) {
                                bad.add("thread " + thread + " signature " + i + " with " + k.algorithm());
                            }
                        }
                        return bad;
                    };
                    results.add(pool.submit(work));
                }
                List<String> failures = new ArrayList<>();
                for (Future<List<String>> f : results) {
                    failures.addAll(f.get());
                }
                assertEquals(List.of(), failures);
            } finally {
                pool.shutdownNow();
            }
            assertTrue(shared.sessionsOpened() <= 4, "sessions opened: " + shared.sessionsOpened());
        }
    }

    @Test
    void the_pin_can_come_from_a_file(@TempDir Path dir) throws Exception {
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, SoftHsm2TestToken.USER_PIN + "\n");
        HsmConfig.Pkcs11 config = new HsmConfig.Pkcs11(SoftHsm2TestToken.LIBRARY, SoftHsm2TestToken.TOKEN_LABEL,
                SecretSource.file(pinFile), 1);
        try (Pkcs11Hsm fromFile = Pkcs11Hsm.open(config)) {
            KeyHandle key = KEYS.get(KeyAlgorithm.EC_P384);
            byte[] m = "pin from a file".getBytes(StandardCharsets.UTF_8);
            assertTrue(verifies(SignatureAlgorithm.ECDSA_SHA384, fromFile.publicKey(key), m,
                    fromFile.sign(key, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA384, m)));
        }
    }

    @Test
    void labels_outside_ascii_are_kept_exactly() {
        String label = SoftHsm2TestToken.uniqueLabel("schlüssel-ключ-鍵");
        KeyHandle key = hsm.generate(label, KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        assertEquals(label, key.label());
        assertEquals(Optional.of(key), hsm.find(label));
        try (Pkcs11Hsm other = Pkcs11Hsm.open(SoftHsm2TestToken.config(1))) {
            assertTrue(other.list().stream().anyMatch(i -> i.label().equals(label)), "listed from the token");
        }
    }

    @Test
    void a_missing_library_is_a_backend_failure_naming_it() {
        Path missing = Path.of("/nonexistent/libpkcs11.so");
        HsmException e = assertThrows(HsmException.BackendFailure.class, () -> Pkcs11Hsm.open(
                new HsmConfig.Pkcs11(missing, "x", SoftHsm2TestToken.pin("1234"), 1)));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void an_unknown_token_label_is_a_backend_failure_listing_the_tokens_present() {
        SoftHsm2TestToken.ensureInitialised();
        HsmException e = assertThrows(HsmException.BackendFailure.class, () -> Pkcs11Hsm.open(
                new HsmConfig.Pkcs11(SoftHsm2TestToken.LIBRARY, "no-such-token", SoftHsm2TestToken.pin("1234"), 1)));
        assertTrue(e.getMessage().contains("no-such-token"), e.getMessage());
        assertTrue(e.getMessage().contains(SoftHsm2TestToken.TOKEN_LABEL), e.getMessage());
    }

    @Test
    void a_wrong_pin_is_a_backend_failure_that_does_not_contain_the_pin() {
        SoftHsm2TestToken.ensureInitialised();
        String wrongPin = "wrong-pin-987654";
        HsmException e = assertThrows(HsmException.BackendFailure.class, () -> Pkcs11Hsm.open(new HsmConfig.Pkcs11(
                SoftHsm2TestToken.LIBRARY, SoftHsm2TestToken.PIN_CHECK_TOKEN_LABEL, SoftHsm2TestToken.pin(wrongPin), 1)));
        assertTrue(e.getMessage().contains("PIN incorrect"), e.getMessage());
        assertFalse(e.getMessage().contains(wrongPin), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(wrongPin));
    }

    static boolean verifies(SignatureAlgorithm alg, PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier;
        if (alg.isPss()) {
            String hash = alg.digestAlgorithm();
            int saltLength = MessageDigest.getInstance(hash).getDigestLength();
            verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1));
        } else {
            verifier = Signature.getInstance(alg.jcaName());
        }
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
