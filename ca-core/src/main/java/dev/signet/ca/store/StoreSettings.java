package dev.signet.ca.store;

import dev.signet.ca.audit.AuditSigner;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Database} runs. {@code maxBatch} bounds how many pending writes share one
 * transaction (1 turns group commit off); {@code auditSigner} may be null, and then no checkpoints
 * are signed; a checkpoint is signed once {@code checkpointInterval} entries are past the last one,
 * or {@code checkpointMaxDelay} after the first entry it would cover was written, whichever comes
 * first, so that a quiet CA does not leave its newest entries unsigned for long.
 */
public record StoreSettings(int maxBatch, Duration busyTimeout, int readConnections, AuditSigner auditSigner,
        int checkpointInterval, Duration checkpointMaxDelay, Clock clock) {

    public StoreSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
        if (checkpointInterval < 1) {
            throw new IllegalArgumentException("checkpointInterval must be at least 1");
        }
        if (checkpointMaxDelay.isNegative() || checkpointMaxDelay.isZero()) {
            throw new IllegalArgumentException("checkpointMaxDelay must be positive");
        }
        Objects.requireNonNull(clock, "clock");
    }

    public static StoreSettings defaults() {
        return new StoreSettings(1000, Duration.ofSeconds(10), 4, null, 1000, Duration.ofMinutes(1), Clock.systemUTC());
    }

    public StoreSettings withMaxBatch(int n) {
        return new StoreSettings(n, busyTimeout, readConnections, auditSigner, checkpointInterval, checkpointMaxDelay, clock);
    }

    public StoreSettings withAuditSigner(AuditSigner signer, int interval) {
        return new StoreSettings(maxBatch, busyTimeout, readConnections, signer, interval, checkpointMaxDelay, clock);
    }

    /**
     * Checkpoints signed with {@code auditKey}, one of {@code auditKeys} (purpose AUDIT, which also
     * give the public keys of earlier checkpoint keys), every {@code interval} entries.
     */
    public StoreSettings withAuditKey(SigningKeys auditKeys, ScopedSigner auditKey, int interval) {
        return withAuditSigner(new AuditSigner(auditKeys, auditKey), interval);
    }

    public StoreSettings withCheckpointMaxDelay(Duration delay) {
        return new StoreSettings(maxBatch, busyTimeout, readConnections, auditSigner, checkpointInterval, delay, clock);
    }

    public StoreSettings withClock(Clock c) {
        return new StoreSettings(maxBatch, busyTimeout, readConnections, auditSigner, checkpointInterval, checkpointMaxDelay, c);
    }
}
