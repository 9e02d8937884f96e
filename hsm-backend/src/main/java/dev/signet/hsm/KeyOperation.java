package dev.signet.hsm;

/** What a key's policy may allow. A key can do nothing its policy does not list. */
public enum KeyOperation {
    /** Asymmetric signature, over a message or a precomputed digest. */
    SIGN,
    /** AES-GCM encryption (sealing). */
    ENCRYPT,
    /** AES-GCM decryption (unsealing). */
    DECRYPT
}
