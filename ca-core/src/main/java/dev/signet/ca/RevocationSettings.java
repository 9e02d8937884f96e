package dev.signet.ca;

import java.time.Duration;
import java.util.Objects;

/**
 * How revocation data is published. {@code crlValidity}: a full CRL's nextUpdate - thisUpdate (a
 * new one is made at half of it); {@code deltaCrls}: whether delta CRLs are made (with their own,
 * shorter {@code deltaCrlValidity}); {@code crlAfterRevocation}: the longest a revocation waits to
 * appear on a CRL; {@code ocspValidity}: an OCSP response's nextUpdate - thisUpdate (refreshed at
 * half of it); {@code ocspWithCaKey}: sign OCSP responses with the CA key instead of a delegated
 * responder; {@code poll}: how often a node reads the database's revocation generations (the
 * bound on how late another node's revoke reaches this node's OCSP cache).
 */
public record RevocationSettings(Duration crlValidity, boolean deltaCrls, Duration deltaCrlValidity,
        Duration crlAfterRevocation, Duration ocspValidity, boolean ocspWithCaKey, Duration poll) {

    public RevocationSettings {
        Objects.requireNonNull(crlValidity, "crlValidity");
        Objects.requireNonNull(deltaCrlValidity, "deltaCrlValidity");
        Objects.requireNonNull(crlAfterRevocation, "crlAfterRevocation");
        Objects.requireNonNull(ocspValidity, "ocspValidity");
        Objects.requireNonNull(poll, "poll");
        if (crlValidity.compareTo(Duration.ofMinutes(2)) < 0 || deltaCrlValidity.compareTo(Duration.ofMinutes(1)) < 0
                || ocspValidity.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("CRL and OCSP validity must be at least a few minutes");
        }
        if (crlAfterRevocation.compareTo(Duration.ofSeconds(1)) < 0 || poll.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException("crlAfterRevocation must be at least 1 s and poll at least 50 ms");
        }
    }

    /** CRLs valid 24 h with 4 h deltas, on a CRL within 60 s of a revocation, OCSP valid 4 h, polled every second. */
    public static RevocationSettings defaults() {
        return new RevocationSettings(Duration.ofHours(24), true, Duration.ofHours(4), Duration.ofSeconds(60),
                Duration.ofHours(4), false, Duration.ofSeconds(1));
    }

    public RevocationSettings withCrlAfterRevocation(Duration d) {
        return new RevocationSettings(crlValidity, deltaCrls, deltaCrlValidity, d, ocspValidity, ocspWithCaKey, poll);
    }
}
