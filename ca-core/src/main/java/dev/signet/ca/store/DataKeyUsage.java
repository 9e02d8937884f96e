package dev.signet.ca.store;

import java.time.Instant;

/** How often one caller used one data key in one interval: one audit entry instead of one per call. */
public record DataKeyUsage(String keyName, String actor, long encrypts, long decrypts, Instant from, Instant to) {}
