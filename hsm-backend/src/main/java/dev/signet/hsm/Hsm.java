package dev.signet.hsm;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The key boundary. Callers hold {@link KeyHandle}s; private and secret keys stay inside the
 * backend, and no method accepts or returns them. Implementations are safe for concurrent use.
 */
public interface Hsm extends AutoCloseable {

    /** A short name for the backend, e.g. {@code software} or {@code pkcs11}. */
    String backendName();

    /**
     * Generates a key under {@code label} inside the backend.
     *
     * @throws HsmException.DuplicateLabel if the label is taken
     * @throws HsmException.AlgorithmMismatch if the policy does not fit the algorithm
     */
    KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPolicy policy);

    /** Finds a key by label. */
    Optional<KeyHandle> find(String label);

    /** Like {@link #find} but a missing key is an error. */
    default KeyHandle get(String label) {
        return find(label).orElseThrow(() -> new HsmException.KeyNotFound(label));
    }

    /** All keys in the backend, ordered by label. */
    List<KeyInfo> list();

    /** The public half of an asymmetric key. */
    PublicKey publicKey(KeyHandle key);

    /**
     * Signs {@code data} (the whole message; the backend hashes it as the algorithm says).
     *
     * @throws HsmException.OperationNotPermitted if the key's policy does not allow SIGN
     * @throws HsmException.AlgorithmMismatch if the algorithm does not fit the key
     */
    byte[] sign(KeyHandle key, SignatureAlgorithm algorithm, byte[] data);

    /**
     * Signs a digest the caller computed with {@link SignatureAlgorithm#digestAlgorithm()}, so that
     * documents never travel to the HSM. The result is the same signature {@link #sign} would give
     * over the message. ECDSA signatures are DER-encoded, as in X.509 and CMS.
     *
     * @throws HsmException.Unsupported for pure Ed25519, which has no digest form
     * @throws IllegalArgumentException if the digest's length is not the digest algorithm's
     */
    byte[] signDigest(KeyHandle key, SignatureAlgorithm algorithm, byte[] digest);

    /**
     * AES-256-GCM encryption with associated data. The result is {@code nonce(12) || ciphertext || tag(16)},
     * with a fresh random nonce each call.
     */
    byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData);

    /**
     * Reverses {@link #encrypt}.
     *
     * @throws HsmException.DecryptionFailed if the ciphertext or associated data is not authentic
     */
    byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData);

    /**
     * The signing keys of one purpose: what the wiring code hands a module. INTERIM default (issue 8
     * moves purpose enforcement into each backend).
     */
    default SigningKeys signingKeys(KeyPurpose purpose) {
        return InterimPurposeKeys.signing(this, purpose);
    }

    /** The {@link KeyPurpose#DATA_ENCRYPTION} keys. INTERIM default (issue 8). */
    default EncryptionKeys encryptionKeys() {
        return InterimPurposeKeys.encryption(this);
    }

    /** Destroys the key; its label becomes free. */
    void destroy(KeyHandle key);

    @Override
    void close();
}
