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

    /** Public keys of checkpoint keys, by label, taken from this signer's HSM. */
    public CheckpointKeys keys() {
        return label -> {
            PublicKey pk = label.equals(key.label()) ? hsm.publicKey(key) : hsm.publicKey(hsm.get(label));
            return pk;
        };
    }

    public String keyLabel() {
        return key.label();
    }
}
