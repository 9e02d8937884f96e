package dev.signet.ca.audit;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.SignatureAlgorithm;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/** Signs audit checkpoints with the audit key, inside the HSM; the key never leaves it. */
public final class AuditSigner {

    private final Hsm hsm;
    private final KeyHandle key;
    private final SignatureAlgorithm algorithm;

    public AuditSigner(Hsm hsm, KeyHandle key) {
        this.hsm = Objects.requireNonNull(hsm, "hsm");
        this.key = Objects.requireNonNull(key, "key");
        this.algorithm = SignatureAlgorithm.defaultFor(key.algorithm());
    }

    /** Signs the statement "the chain up to {@code seq} has hash {@code hash}". */
    public AuditCheckpoint sign(long seq, byte[] hash, Instant now) {
        byte[] signature = hsm.sign(key, algorithm, AuditChain.checkpointMessage(seq, hash));
        return new AuditCheckpoint(seq, hash, signature, key.label(), algorithm.name(), now);
    }

    /**
     * The key that checks checkpoints: this signer's audit key, and no other. A checkpoint naming
     * another key (a CA's, say, which signs what requesters ask) proves nothing about the chain.
     */
    public CheckpointKeys keys() {
        PublicKey pk = hsm.publicKey(key);
        return label -> {
            if (!label.equals(key.label())) {
                throw new IllegalArgumentException("not the audit key: " + label);
            }
            return pk;
        };
    }

    public String keyLabel() {
        return key.label();
    }
}
