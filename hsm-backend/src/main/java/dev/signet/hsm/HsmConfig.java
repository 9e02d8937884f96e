package dev.signet.hsm;

import java.nio.file.Path;
import java.util.Objects;

/** How to open a backend. Passed explicitly to {@link Hsms#open}; there is no global registry. */
public sealed interface HsmConfig {

    /**
     * The embedded default: keys sealed in files under {@code directory}, under a master key
     * derived from the passphrase.
     */
    record Software(Path directory, SecretSource passphrase) implements HsmConfig {
        public Software {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(passphrase, "passphrase");
        }
    }

    /**
     * Any PKCS#11 library. The token is chosen by label (slot ids change when tokens are
     * initialised); {@code sessions} bounds the session pool.
     */
    record Pkcs11(Path library, String tokenLabel, SecretSource pin, int sessions) implements HsmConfig {
        public Pkcs11 {
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(tokenLabel, "tokenLabel");
            Objects.requireNonNull(pin, "pin");
            if (sessions < 1) {
                throw new IllegalArgumentException("sessions must be at least 1");
            }
        }
    }
}
