package dev.signet.ca;

/**
 * Whether the time-stamp authorities may give the time now (RFC 3161's {@code timeNotAvailable}
 * otherwise). The system clock alone ({@link #SYSTEM}, the default: Signet runs air-gapped) always
 * may; a checked source (NTP, say) may not while it cannot vouch for the clock. Asked once per
 * token, so an implementation answers from state it keeps up to date in the background.
 */
@FunctionalInterface
public interface TsaTimeSource {

    /** The system clock, trusted as it is. */
    TsaTimeSource SYSTEM = () -> null;

    /** Why no time may be given now (said to the requester), or null when it may. */
    String unavailable();
}
