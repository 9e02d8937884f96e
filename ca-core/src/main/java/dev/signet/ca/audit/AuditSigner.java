package dev.signet.ca.audit;

import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.SigningKeys;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * Signs audit checkpoints with the audit key, inside the HSM; the key never leaves it. The key's
 * purpose is {@link KeyPurpose#AUDIT}, so it signs checkpoints and nothing else.
 */
public final class AuditSigner {

    private final SigningKeys auditKeys;
    private final ScopedSigner signer;
    private final SignatureAlgorithm algorithm;

    /** @param auditKeys the AUDIT keys (to find the public keys of earlier checkpoint keys) */
    public AuditSigner(SigningKeys auditKeys, ScopedSigner signer) {
        this.auditKeys = Objects.requireNonNull(auditKeys, "auditKeys");
        this.signer = Objects.requireNonNull(signer, "signer");
        if (auditKeys.purpose() != KeyPurpose.AUDIT || signer.purpose() != KeyPurpose.AUDIT) {
            throw new IllegalArgumentException("audit checkpoints are signed with AUDIT keys");
        }
        this.algorithm = signer.defaultAlgorithm();
    }

    /** Signs the statement "the chain up to {@code seq} has hash {@code hash}". */
    public AuditCheckpoint sign(long seq, byte[] hash, Instant now) {
        byte[] signature = signer.sign(SignedObject.AUDIT_CHECKPOINT, algorithm, AuditChain.checkpointMessage(seq, hash));
        return new AuditCheckpoint(seq, hash, signature, signer.keyLabel(), algorithm.name(), now);
    }

    /**
     * Public keys of checkpoint keys, by label: AUDIT keys only. A checkpoint naming another key (a
     * CA's, which signs what requesters ask) is refused, so it proves nothing about the chain.
     */
    public CheckpointKeys keys() {
        return label -> {
            PublicKey pk = label.equals(signer.keyLabel()) ? signer.publicKey() : auditKeys.get(label).publicKey();
            return pk;
        };
    }

    public String keyLabel() {
        return signer.keyLabel();
    }
}
