package dev.signet.ca;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What verification demands of the chain beyond its own consistency, from what the writer
 * guarantees: a signed checkpoint at least every {@code checkpointInterval} entries (within one
 * write's entries), and over the newest entries within {@code checkpointMaxDelay} and at every clean
 * stop. A chain with its checkpoints deleted and its hashes recomputed is consistent; it is caught
 * by these rules, and a truncated one by an {@link ExpectedCheckpoint} kept elsewhere (as
 * Certificate Transparency catches a log by the signed tree heads its monitors keep).
 *
 * @param maxEntriesBetweenCheckpoints most entries from one checkpoint (or the start) to the next; 0: no rule
 * @param headMustBeSigned the server is stopped, so its last entry must be covered by a checkpoint
 * @param unsignedHeadGrace otherwise, how old an entry no checkpoint covers may be (the server signs
 *     within the checkpoint delay); null: no rule
 * @param now the time verification runs
 * @param expected checkpoints the chain must contain, from outside the database
 * @param storeContents what the rest of the database holds (e.g. "2 CAs, 1 token"), or null when it is
 *     empty: every change to it was audited, so a used store with an empty chain lost its chain
 */
public record AuditExpectations(int maxEntriesBetweenCheckpoints, boolean headMustBeSigned, Duration unsignedHeadGrace,
        Instant now, List<ExpectedCheckpoint> expected, String storeContents) {

    /** Grace past the writer's checkpoint delay: a batch and a signature take a moment. */
    public static final Duration SLACK = Duration.ofMinutes(1);

    public AuditExpectations {
        if (maxEntriesBetweenCheckpoints < 0) {
            throw new IllegalArgumentException("maxEntriesBetweenCheckpoints must not be negative");
        }
        Objects.requireNonNull(now, "now");
        expected = List.copyOf(expected);
    }

    /** Only the chain's consistency (no audit key: nothing was signed). */
    public static AuditExpectations chainOnly(Instant now) {
        return new AuditExpectations(0, false, null, now, List.of(), null);
    }

    /**
     * The rules for a writer that signs every {@code checkpointInterval} entries and within
     * {@code checkpointMaxDelay}. One write may add a few entries past the interval, so a gap of up to
     * twice the interval is accepted.
     */
    public static AuditExpectations signedEvery(int checkpointInterval, Duration checkpointMaxDelay, Instant now) {
        return new AuditExpectations(Math.multiplyExact(2, checkpointInterval), false, checkpointMaxDelay.plus(SLACK), now,
                List.of(), null);
    }

    /** The server is stopped: its last stop signed the head. */
    public AuditExpectations stopped() {
        return new AuditExpectations(maxEntriesBetweenCheckpoints, true, unsignedHeadGrace, now, expected, storeContents);
    }

    public AuditExpectations expecting(List<ExpectedCheckpoint> checkpoints) {
        return new AuditExpectations(maxEntriesBetweenCheckpoints, headMustBeSigned, unsignedHeadGrace, now, checkpoints,
                storeContents);
    }

    public AuditExpectations withStoreContents(String contents) {
        return new AuditExpectations(maxEntriesBetweenCheckpoints, headMustBeSigned, unsignedHeadGrace, now, expected,
                contents);
    }

    public boolean signed() {
        return maxEntriesBetweenCheckpoints > 0 || headMustBeSigned || unsignedHeadGrace != null;
    }
}
