package dev.signet.ca.store;

import java.time.Instant;

/** How many queries one TSA rejected for one reason (an RFC 3161 failInfo) in one interval: one audit entry for them all. */
public record TsaRejections(String tsaName, String reason, long count, Instant from, Instant to) {}
