package dev.signet.ca;

import java.time.Instant;

/** What one API token may do with one data key. */
public record DataKeyGrant(String keyName, String tokenId, boolean canEncrypt, boolean canDecrypt, Instant created) {}
