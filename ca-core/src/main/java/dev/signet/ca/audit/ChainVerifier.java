package dev.signet.ca.audit;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditExpectations;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.ExpectedCheckpoint;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import dev.signet.hsm.SignatureAlgorithm;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Recomputes the chain entry by entry, in seq order, and checks each checkpoint against the
 * recomputed hash and its signature, then what {@link AuditExpectations} demands: checkpoints
 * where the writer must have signed one, a signed head, the expected checkpoints, no empty chain
 * in a used store. Stops at the first break. Independent of the database: the caller feeds entries
 * in ascending seq order.
 */
public final class ChainVerifier {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final NavigableMap<Long, AuditCheckpoint> checkpoints = new TreeMap<>();
    private final CheckpointKeys keys;
    private final AuditExpectations expectations;
    private final NavigableMap<Long, ExpectedCheckpoint> expected = new TreeMap<>();
    /** The last entry covered by a good checkpoint (0: none yet). */
    private long lastSigned;
    /** The time of the oldest entry no checkpoint covers yet, or null. */
    private Instant oldestUnsigned;
    private long expectedSeq = 1;
    private byte[] previous = AuditChain.GENESIS;
    private long entries;
    private int checkpointsChecked;
    private AuditVerification.Break firstBreak;

    /** Checks only the chain's own consistency and its checkpoints' signatures. */
    public ChainVerifier(List<AuditCheckpoint> checkpoints, CheckpointKeys keys) {
        this(checkpoints, keys, AuditExpectations.chainOnly(Instant.now()));
    }

    public ChainVerifier(List<AuditCheckpoint> checkpoints, CheckpointKeys keys, AuditExpectations expectations) {
        for (AuditCheckpoint c : checkpoints) {
            this.checkpoints.put(c.seq(), c);
        }
        for (ExpectedCheckpoint e : expectations.expected()) {
            this.expected.put(e.seq(), e);
        }
        this.keys = keys;
        this.expectations = expectations;
    }

    /** Checks the whole chain. */
    public static AuditVerification verify(Iterator<AuditEntry> entriesInSeqOrder, List<AuditCheckpoint> checkpoints,
            CheckpointKeys keys) {
        return verify(entriesInSeqOrder, checkpoints, keys, AuditExpectations.chainOnly(Instant.now()));
    }

    /** Checks the whole chain against {@code expectations}. */
    public static AuditVerification verify(Iterator<AuditEntry> entriesInSeqOrder, List<AuditCheckpoint> checkpoints,
            CheckpointKeys keys, AuditExpectations expectations) {
        ChainVerifier v = new ChainVerifier(checkpoints, keys, expectations);
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
            if (tooFarApart(lastSigned, e.seq())) {
                return fail(lastSigned + 1, "entries " + (lastSigned + 1) + " to " + e.seq() + " have no signed checkpoint, but"
                        + " the writer signs one at least every " + expectations.maxEntriesBetweenCheckpoints() / 2
                        + " entries: checkpoints were deleted (and the chain perhaps rewritten)");
            }
            lastSigned = e.seq();
            oldestUnsigned = null;
        } else if (oldestUnsigned == null) {
            oldestUnsigned = e.at();
        }
        ExpectedCheckpoint outside = expected.get(e.seq());
        if (outside != null && !Arrays.equals(outside.hash(), hash)) {
            return fail(e.seq(), "the chain up to entry " + e.seq() + " differs from the expected checkpoint " + outside
                    + ": it was rewritten");
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
        if (firstBreak == null && !expected.isEmpty() && expected.lastKey() >= expectedSeq) {
            ExpectedCheckpoint missing = expected.ceilingEntry(expectedSeq).getValue();
            fail(expectedSeq, "the chain ends at entry " + (expectedSeq - 1) + ", before the expected checkpoint "
                    + missing + ": entries were removed");
        }
        if (firstBreak == null && entries == 0 && expectations.storeContents() != null) {
            fail(1, "the chain is empty, but the database holds " + expectations.storeContents()
                    + ", and every change to those was audited: the chain was deleted");
        }
        if (firstBreak == null && entries > lastSigned && expectations.signed()) {
            long from = lastSigned + 1;
            long to = expectedSeq - 1;
            String stretch = from == to ? "entry " + from + " is" : "entries " + from + " to " + to + " are";
            if (tooFarApart(lastSigned, to)) {
                fail(from, stretch + " not covered by a signed checkpoint, but the writer signs one at least every "
                        + expectations.maxEntriesBetweenCheckpoints() / 2 + " entries: checkpoints were deleted");
            } else if (expectations.headMustBeSigned()) {
                fail(from, stretch + " not covered by a signed checkpoint, but a server signs its last entry when it stops:"
                        + " the last checkpoint was deleted, or the server did not stop cleanly (start and stop it once"
                        + " to sign them)");
            } else if (expectations.unsignedHeadGrace() != null
                    && oldestUnsigned.plus(expectations.unsignedHeadGrace()).isBefore(expectations.now())) {
                fail(from, stretch + " not covered by a signed checkpoint although the oldest is from " + oldestUnsigned
                        + ", and a running server signs within a minute: the last checkpoint was deleted, or the server"
                        + " did not stop cleanly (start and stop it once to sign them)");
            }
        }
        return new AuditVerification(entries, checkpointsChecked, lastCheckpoint, firstBreak);
    }

    private boolean tooFarApart(long signed, long seq) {
        return expectations.maxEntriesBetweenCheckpoints() > 0 && seq - signed > expectations.maxEntriesBetweenCheckpoints();
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
            return "signed by key '" + cp.keyLabel() + "', which is not the audit key";
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
