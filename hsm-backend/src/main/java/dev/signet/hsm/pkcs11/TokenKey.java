package dev.signet.hsm.pkcs11;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPolicy;
import java.security.PublicKey;
import java.time.Instant;

/**
 * A key found on the token: its object handles (valid for this process) and what was read from
 * its attributes. Holds no key material; {@code publicKey} is null for secret keys.
 *
 * @param keyObject the private or secret key object
 * @param publicObject the public key object, or -1 for secret keys
 * @param purposeObject the data object holding the purpose of a key made before purposes, or -1
 */
record TokenKey(KeyHandle handle, KeyPolicy policy, Instant created, long keyObject, long publicObject,
        PublicKey publicKey, long purposeObject) {

    String label() {
        return handle.label();
    }

    KeyAlgorithm algorithm() {
        return handle.algorithm();
    }

    KeyInfo info() {
        return new KeyInfo(handle, created, policy);
    }
}
