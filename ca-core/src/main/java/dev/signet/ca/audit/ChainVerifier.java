package dev.signet.ca.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import dev.signet.hsm.SignatureAlgorithm;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Recomputes the chain entry by entry, in seq order, and checks each checkpoint against the
 * recomputed hash and its signature. Stops at the first break. Independent of the database: the
 * caller feeds entries in ascending seq order.
 */
public final class ChainVerifier {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final NavigableMap<Long, AuditCheckpoint> checkpoints = new TreeMap<>();
    private final CheckpointKeys keys;
    private long expectedSeq = 1;
    private byte[] previous = AuditChain.GENESIS;
    private long entries;
    private int checkpointsChecked;
    private AuditVerification.Break firstBreak;

    public ChainVerifier(List<AuditCheckpoint> checkpoints, CheckpointKeys keys) {
        for (AuditCheckpoint c : checkpoints) {
            this.checkpoints.put(c.seq(), c);
        }
        this.keys = keys;
    }

    /** Checks the whole chain. */
    public static AuditVerification verify(Iterator<AuditEntry> entriesInSeqOrder, List<AuditCheckpoint> checkpoints,
            CheckpointKeys keys) {
        ChainVerifier v = new ChainVerifier(checkpoints, keys);
        while (entriesInSeqOrder.hasNext() && v.accept(entriesInSeqOrder.next())) {
            // keep going until the first break
        }
        return v.finish();
    }

    /** Checks the next entry; false once the chain is broken (further entries are ignored). */
    public boolean accept(AuditEntry e) {
        if (firstBreak != null) {
            return false;
        }
        if (e.seq() != expectedSeq) {
            return fail(expectedSeq, e.seq() > expectedSeq
                    ? "entry " + expectedSeq + " is missing (the next stored entry is " + e.seq() + ")"
                    : "entry " + e.seq() + " is out of order");
        }
        byte[] hash = AuditChain.link(previous, AuditChain.content(e));
        if (!Arrays.equals(hash, e.hash())) {
            return fail(e.seq(), "entry " + e.seq() + " does not match its hash: its content or an earlier entry was changed");
        }
        AuditCheckpoint cp = checkpoints.get(e.seq());
        if (cp != null) {
            checkpointsChecked++;
            if (!Arrays.equals(cp.hash(), hash)) {
                return fail(e.seq(), "the chain up to entry " + e.seq() + " differs from its signed checkpoint");
            }
            String problem = signatureProblem(cp);
            if (problem != null) {
                return fail(e.seq(), "checkpoint at entry " + e.seq() + ": " + problem);
            }
        }
        previous = hash;
        entries++;
        expectedSeq++;
        return true;
    }

    /** The result; checkpoints beyond the last entry mean signed entries were removed from the end. */
    public AuditVerification finish() {
        long lastCheckpoint = checkpoints.isEmpty() ? 0 : checkpoints.lastKey();
        if (firstBreak == null && lastCheckpoint >= expectedSeq) {
            AuditCheckpoint cp = checkpoints.lastEntry().getValue();
            String problem = signatureProblem(cp);
            fail(expectedSeq, problem != null
                    ? "checkpoint at entry " + cp.seq() + " refers to missing entries and " + problem
                    : "entries " + expectedSeq + " to " + cp.seq() + " are missing: a signed checkpoint covers them");
        }
        return new AuditVerification(entries, checkpointsChecked, lastCheckpoint, firstBreak);
    }

    private boolean fail(long seq, String reason) {
        firstBreak = new AuditVerification.Break(seq, reason);
        return false;
    }

    /** Null if the signature is good, else why not. */
    private String signatureProblem(AuditCheckpoint cp) {
        SignatureAlgorithm algorithm;
        try {
            algorithm = SignatureAlgorithm.valueOf(cp.signatureAlgorithm());
        } catch (IllegalArgumentException e) {
            return "unknown signature algorithm " + cp.signatureAlgorithm();
        }
        PublicKey key;
        try {
            key = keys.publicKey(cp.keyLabel());
        } catch (RuntimeException e) {
            return "no public key for audit key '" + cp.keyLabel() + "'";
        }
        try {
            String keyFamily = switch (algorithm.keyFamily()) {
                case RSA -> "RSA";
                case EC -> "EC";
                case EDDSA -> "Ed25519";
                case AES -> throw new GeneralSecurityException("AES cannot sign");
            };
            PublicKey bcKey = KeyFactory.getInstance(keyFamily, BC).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
            Signature verifier = Signature.getInstance(algorithm.jcaName(), BC);
            verifier.initVerify(bcKey);
            verifier.update(AuditChain.checkpointMessage(cp.seq(), cp.hash()));
            return verifier.verify(cp.signature()) ? null : "signature does not verify";
        } catch (GeneralSecurityException | RuntimeException e) {
            return "signature cannot be checked (" + e.getClass().getSimpleName() + ")";
        }
    }
}
