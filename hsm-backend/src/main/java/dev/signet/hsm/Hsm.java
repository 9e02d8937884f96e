package dev.signet.hsm;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The key boundary. Callers hold {@link KeyHandle}s; private and secret keys stay inside the
 * backend, and no method accepts or returns them. Implementations are safe for concurrent use.
 *
 * <p>Every key has one {@link KeyPurpose}, fixed when it is generated and stored by the backend
 * with the key. Every signature names the {@link SignedObject} it makes, and the backend refuses
 * one the key's stored purpose does not permit ({@link HsmException.PurposeMismatch}); only
 * {@link KeyPurpose#DATA_ENCRYPTION} keys encrypt and decrypt. Only the wiring code holds an
 * {@code Hsm}: modules get {@link #signingKeys} / {@link #encryptionKeys} views or a
 * {@link ScopedSigner} bound to one key.
 */
public interface Hsm extends AutoCloseable {

    /** A short name for the backend, e.g. {@code software} or {@code pkcs11}. */
    String backendName();

    /**
     * Generates a key of {@code purpose} under {@code label} inside the backend.
     *
     * @throws HsmException.DuplicateLabel if the label is taken
     * @throws HsmException.AlgorithmMismatch if the purpose does not fit the algorithm (a symmetric
     *     signing key, an asymmetric data-encryption key)
     */
    KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPurpose purpose);

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
     * Signs {@code data} (the whole message; the backend hashes it as the algorithm says), as an
     * object of kind {@code what}.
     *
     * @throws HsmException.PurposeMismatch if the key's stored purpose does not permit {@code what}
     * @throws HsmException.AlgorithmMismatch if the algorithm does not fit the key
     * @throws HsmException.ForeignHandle if this backend did not make the handle
     */
    byte[] sign(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] data);

    /**
     * Signs a digest the caller computed with {@link SignatureAlgorithm#digestAlgorithm()}, so that
     * documents never travel to the HSM. The result is the same signature {@link #sign} would give
     * over the message. ECDSA signatures are DER-encoded, as in X.509 and CMS.
     *
     * @throws HsmException.PurposeMismatch if the key's stored purpose does not permit {@code what}
     * @throws HsmException.Unsupported for pure Ed25519, which has no digest form
     * @throws IllegalArgumentException if the digest's length is not the digest algorithm's
     */
    byte[] signDigest(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] digest);

    /**
     * AES-256-GCM encryption with associated data. The result is {@code nonce(12) || ciphertext || tag(16)},
     * with a fresh random nonce each call.
     *
     * @throws HsmException.PurposeMismatch unless the key is a {@link KeyPurpose#DATA_ENCRYPTION} key
     */
    byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData);

    /**
     * Reverses {@link #encrypt}.
     *
     * @throws HsmException.DecryptionFailed if the ciphertext or associated data is not authentic
     * @throws HsmException.PurposeMismatch unless the key is a {@link KeyPurpose#DATA_ENCRYPTION} key
     */
    byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData);

    /**
     * Upgrade of a key store made before key purposes: gives {@code purpose} to the key
     * {@code label}, which has none, and stores it with the key (software: the sealed file's
     * authenticated header; PKCS#11: a purpose object on the token, see the README). A key that
     * already has this purpose is returned as it is.
     *
     * @throws HsmException.PurposeMismatch if the key already has another purpose (purposes never change)
     * @throws HsmException.AlgorithmMismatch if the purpose does not fit the key's algorithm
     */
    KeyHandle assignPurpose(String label, KeyPurpose purpose);

    /** The signing keys of one purpose: what the wiring code hands a module. */
    default SigningKeys signingKeys(KeyPurpose purpose) {
        return PurposeKeys.signing(this, purpose);
    }

    /** The {@link KeyPurpose#DATA_ENCRYPTION} keys. */
    default EncryptionKeys encryptionKeys() {
        return PurposeKeys.encryption(this);
    }

    /** A signer bound to the key {@code key} (what the wiring code hands a module for one key). */
    default ScopedSigner signer(KeyHandle key) {
        return PurposeKeys.signer(this, key);
    }

    /** Destroys the key; its label becomes free. */
    void destroy(KeyHandle key);

    @Override
    void close();
}
