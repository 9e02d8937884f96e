package dev.signet.hsm;

import java.util.List;
import java.util.Optional;

/**
 * The signing keys of one {@link KeyPurpose}: what the wiring code hands a module that must create
 * or find keys of that purpose (the CA core gets {@code CA} keys, the TSA {@code TIMESTAMPING} keys,
 * ...). It cannot reach keys of another purpose.
 */
public interface SigningKeys {

    KeyPurpose purpose();

    /** The backend that holds the keys ({@link Hsm#backendName()}), as CA records note it. */
    String backendName();

    /**
     * Generates a key of this purpose inside the backend.
     *
     * @throws HsmException.DuplicateLabel if the label is taken
     * @throws HsmException.AlgorithmMismatch for a symmetric algorithm
     */
    ScopedSigner generate(String label, KeyAlgorithm algorithm);

    /**
     * The signer for an existing key of this purpose; empty when no key has that label.
     *
     * @throws HsmException.PurposeMismatch if the key exists with another purpose
     */
    Optional<ScopedSigner> find(String label);

    default ScopedSigner get(String label) {
        return find(label).orElseThrow(() -> new HsmException.KeyNotFound(label));
    }

    /** The keys of this purpose, ordered by label. */
    List<KeyInfo> list();

    /**
     * Destroys a key of this purpose; its label becomes free.
     *
     * @throws HsmException.PurposeMismatch if the key has another purpose
     */
    void destroy(String label);
}
