package dev.signet.hsm;

import java.time.Instant;

/** What {@link Hsm#list()} reports about a key: never material. {@code created} is null when the backend cannot tell. */
public record KeyInfo(KeyHandle handle, Instant created, KeyPolicy policy) {

    public String label() {
        return handle.label();
    }

    public KeyAlgorithm algorithm() {
        return handle.algorithm();
    }

    /** The purpose stored with the key; null for a key from before purposes that was not upgraded yet. */
    public KeyPurpose purpose() {
        return handle.purpose();
    }

    public String backend() {
        return handle.backend();
    }
}
