package dev.signet.hsm;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The operations a key allows, fixed when the key is generated.
 * Keys are never exportable: there is no operation that would allow it.
 */
public record KeyPolicy(Set<KeyOperation> allowed) {

    public KeyPolicy {
        if (allowed == null || allowed.isEmpty()) {
            throw new IllegalArgumentException("a key policy must allow at least one operation");
        }
        allowed = Collections.unmodifiableSet(EnumSet.copyOf(allowed));
    }

    public static KeyPolicy of(KeyOperation first, KeyOperation... rest) {
        return new KeyPolicy(EnumSet.of(first, rest));
    }

    /** Signing only: what CA, OCSP, TSA and document-signing keys get. */
    public static KeyPolicy signOnly() {
        return of(KeyOperation.SIGN);
    }

    /** Encrypt and decrypt: for AES keys that seal data at rest. */
    public static KeyPolicy sealing() {
        return of(KeyOperation.ENCRYPT, KeyOperation.DECRYPT);
    }

    public boolean allows(KeyOperation op) {
        return allowed.contains(op);
    }

    /** Checks the policy fits the algorithm: signing needs an asymmetric key, sealing a symmetric one. */
    public void checkFits(KeyAlgorithm algorithm) {
        for (KeyOperation op : allowed) {
            boolean ok = switch (op) {
                case SIGN -> !algorithm.isSymmetric();
                case ENCRYPT, DECRYPT -> algorithm.isSymmetric();
            };
            if (!ok) {
                throw new HsmException.AlgorithmMismatch(
                        "operation " + op + " is not possible with a " + algorithm + " key");
            }
        }
    }
}
