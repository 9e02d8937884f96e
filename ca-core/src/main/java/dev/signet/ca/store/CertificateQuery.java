package dev.signet.ca.store;

import java.time.Instant;

/**
 * A certificate search. Null fields do not restrict: {@code text} matches a substring of the
 * subject or of any SAN (case-insensitive for ASCII), {@code status} is {@code valid} or
 * {@code revoked}, {@code expiringBefore} keeps certificates whose notAfter is earlier.
 * Results are ordered by notAfter, then serial.
 */
public record CertificateQuery(String caId, String text, String status, Instant expiringBefore, String profile,
        int offset, int limit) {

    public static final int MAX_LIMIT = Page.MAX_LIMIT;

    public CertificateQuery {
        if (status != null) {
            Checks.oneOf(status, "status", CertificateRecord.VALID, CertificateRecord.REVOKED);
        }
        Checks.page(offset, limit);
    }

    /** All certificates of a CA, first page of {@code limit}. */
    public static CertificateQuery all(String caId, int limit) {
        return new CertificateQuery(caId, null, null, null, null, 0, limit);
    }
}
