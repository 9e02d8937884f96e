package dev.signet.hsm;

import java.util.Objects;

/**
 * A reference to a key inside one backend: its label, algorithm and purpose, as the backend read
 * them from the key itself. It carries no key material, so it can be logged and passed around.
 *
 * <p>Only a backend makes handles (through its {@link HandleIssuer}), and a backend accepts only
 * the handles it made: a handle cannot be forged from a label string. It grants nothing by itself
 * either: every signature still names what it signs, and the backend checks that against the
 * purpose it stores with the key.
 */
public final class KeyHandle {

    private final String label;
    private final KeyAlgorithm algorithm;
    private final KeyPurpose purpose;
    private final String backend;
    private final HandleIssuer issuer;

    KeyHandle(String label, KeyAlgorithm algorithm, KeyPurpose purpose, String backend, HandleIssuer issuer) {
        this.label = Objects.requireNonNull(label, "label");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.purpose = purpose;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    public String label() {
        return label;
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The purpose stored with the key; null only for a key made before purposes existed that the
     * upgrade has not yet given one ({@link Hsm#assignPurpose}). Such a key signs nothing.
     */
    public KeyPurpose purpose() {
        return purpose;
    }

    public String backend() {
        return backend;
    }

    boolean issuedBy(HandleIssuer other) {
        return issuer == other;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHandle h && h.issuer == issuer && h.label.equals(label) && h.algorithm == algorithm
                && h.purpose == purpose;
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, algorithm, purpose);
    }

    @Override
    public String toString() {
        return "KeyHandle[" + label + ", " + algorithm + ", " + (purpose == null ? "no purpose" : purpose) + ", " + backend + "]";
    }
}
