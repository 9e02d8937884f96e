package dev.signet.ca.audit;

import java.time.Instant;

/**
 * A signed statement that the audit chain up to entry {@code seq} has hash {@code hash}. The
 * signature (made inside the HSM with the key {@code keyLabel}) covers
 * {@link AuditChain#checkpointMessage(long, byte[])}, so rewriting the chain before {@code seq}
 * needs the audit key, and deleting entries up to {@code seq} is noticed.
 */
public record AuditCheckpoint(long seq, byte[] hash, byte[] signature, String keyLabel, String signatureAlgorithm,
        Instant created) {

    public AuditCheckpoint {
        hash = hash.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
