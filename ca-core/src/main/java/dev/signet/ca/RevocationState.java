package dev.signet.ca;

import java.time.Instant;

/**
 * What the CA page shows about a CA's revocation data: its newest full and delta CRLs (null when
 * none yet), its OCSP responder (serial and expiry; null when the CA key signs or none exists yet)
 * and how many OCSP responses this node holds pre-signed.
 */
public record RevocationState(String caId, CrlSummary fullCrl, CrlSummary deltaCrl, String responderSerial,
        Instant responderNotAfter, boolean ocspWithCaKey, int cachedOcspResponses) {

    public record CrlSummary(long number, Long baseNumber, Instant thisUpdate, Instant nextUpdate, long entries) {
    }
}
