package dev.signet.ca.audit;

import java.security.PublicKey;

/** Finds the public key that checks checkpoints signed under a key label. */
@FunctionalInterface
public interface CheckpointKeys {

    /** The key, or an exception if the label is unknown. */
    PublicKey publicKey(String keyLabel);
}
