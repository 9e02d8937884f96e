package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM in the layout the {@code Hsm} contract fixes: {@code nonce(12) || ciphertext || tag(16)},
 * a fresh random nonce per message. Used both for sealing key files and for callers' AES keys.
 */
final class AesGcm {

    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    private AesGcm() {
    }

    static byte[] seal(SecretKeySpec key, SecureRandom random, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", SoftwareProviders.forKey(KeyAlgorithm.AES_256));
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (aad != null) {
                c.updateAAD(aad);
            }
            byte[] out = new byte[NONCE_LENGTH + c.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
            c.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("AES-GCM encryption failed", e);
        }
    }

    /** Reverses {@link #seal}; a wrong key, altered bytes or other associated data all give {@link AEADBadTagException}. */
    static byte[] open(SecretKeySpec key, byte[] sealed, byte[] aad) throws AEADBadTagException {
        if (sealed.length < NONCE_LENGTH + TAG_LENGTH) {
            throw new AEADBadTagException("shorter than nonce and tag");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", SoftwareProviders.forKey(KeyAlgorithm.AES_256));
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, sealed, 0, NONCE_LENGTH));
            if (aad != null) {
                c.updateAAD(aad);
            }
            return c.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("AES-GCM decryption failed", e);
        }
    }
}
