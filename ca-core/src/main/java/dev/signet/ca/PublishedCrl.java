package dev.signet.ca;

import java.time.Instant;

/**
 * A CRL as served: DER, cRLNumber, kind ({@code full} or {@code delta}), base number for a delta,
 * thisUpdate, nextUpdate and entry count.
 */
public record PublishedCrl(String caId, String kind, long number, Long baseNumber, Instant thisUpdate,
        Instant nextUpdate, long entries, byte[] der) {

    /** An ETag that changes with every CRL. */
    public String etag() {
        return "\"" + caId + "-" + number + "\"";
    }
}
