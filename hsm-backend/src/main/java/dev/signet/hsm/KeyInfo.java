package dev.signet.hsm;

import java.time.Instant;

/** What {@link Hsm#list()} reports about a key: never material. */
public record KeyInfo(KeyHandle handle, Instant created, KeyPolicy policy) {

    public String label() {
        return handle.label();
    }

    public KeyAlgorithm algorithm() {
        return handle.algorithm();
    }

    public String backend() {
        return handle.backend();
    }
}
