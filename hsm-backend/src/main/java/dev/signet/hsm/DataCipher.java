package dev.signet.hsm;

/**
 * AES-256-GCM with one {@link KeyPurpose#DATA_ENCRYPTION} key that stays inside the boundary.
 * It holds no key material.
 */
public interface DataCipher {

    String keyLabel();

    /** {@code nonce(12) || ciphertext || tag(16)}, with a fresh random nonce each call. */
    byte[] encrypt(byte[] plaintext, byte[] associatedData);

    /** @throws HsmException.DecryptionFailed if the ciphertext or associated data is not authentic */
    byte[] decrypt(byte[] sealed, byte[] associatedData);
}
