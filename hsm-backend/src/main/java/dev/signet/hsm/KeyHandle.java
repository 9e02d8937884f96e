package dev.signet.hsm;

import java.util.Objects;

/**
 * A reference to a key inside a backend: its label, its algorithm and the backend that holds it.
 * It carries no key material, so it can be logged, stored and passed around freely.
 */
public record KeyHandle(String label, KeyAlgorithm algorithm, String backend) {

    public KeyHandle {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(backend, "backend");
    }
}
