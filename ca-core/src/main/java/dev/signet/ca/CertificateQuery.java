package dev.signet.ca;

import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.Checks;
import java.time.Instant;
import java.util.Set;

/**
 * A certificate search. Null fields do not restrict: {@code text} matches a substring of the
 * subject or of any SAN (case-insensitive for ASCII), {@code serial} is one serial (lower-case hex,
 * no leading zeros), {@code status} is {@code valid} or {@code revoked}, {@code expiringBefore}
 * keeps certificates whose notAfter is earlier, {@code notExpiredAt} those whose notAfter is later,
 * and {@code excludeProfiles} leaves out certificates issued under those profiles (CA certificates,
 * say). Results are in {@code order}.
 */
public record CertificateQuery(String caId, String text, String serial, String status, Instant expiringBefore,
        Instant notExpiredAt, String profile, Set<String> excludeProfiles, Order order, int offset, int limit) {

    public static final int MAX_LIMIT = Page.MAX_LIMIT;

    /** How results are ordered. */
    public enum Order {
        /** Soonest notAfter first (then CA and serial): what needs renewing first. */
        EXPIRY,
        /** Most recently issued first. */
        NEWEST
    }

    public CertificateQuery {
        if (status != null) {
            Checks.oneOf(status, "status", CertificateRecord.VALID, CertificateRecord.REVOKED);
        }
        excludeProfiles = excludeProfiles == null ? Set.of() : Set.copyOf(excludeProfiles);
        order = order == null ? Order.EXPIRY : order;
        Checks.page(offset, limit);
    }

    /** The search without serial, expiry floor, exclusions or order (soonest expiry first). */
    public CertificateQuery(String caId, String text, String status, Instant expiringBefore, String profile,
            int offset, int limit) {
        this(caId, text, null, status, expiringBefore, null, profile, Set.of(), Order.EXPIRY, offset, limit);
    }

    /** All certificates of a CA, first page of {@code limit}. */
    public static CertificateQuery all(String caId, int limit) {
        return new CertificateQuery(caId, null, null, null, null, 0, limit);
    }
}
