package dev.signet.web;

import dev.signet.ca.CertificateQuery;
import java.time.Instant;
import java.util.Set;

/**
 * Certificate searches as people ask for them, for the API and the UI alike: the status a person
 * means ({@code valid}: not revoked and not expired; {@code expired}: not revoked, past notAfter;
 * {@code revoked}) becomes the store's stored status plus an expiry bound.
 */
public final class Searches {

    private Searches() {}

    public static CertificateQuery query(String caId, String text, String serial, String status, Instant expiringBefore,
            String profile, CertificateQuery.Order order, Instant now, int offset, int limit) {
        return query(caId, text, serial, status, expiringBefore, profile, Set.of(), order, now, offset, limit);
    }

    public static CertificateQuery query(String caId, String text, String serial, String status, Instant expiringBefore,
            String profile, Set<String> excludeProfiles, CertificateQuery.Order order, Instant now, int offset, int limit) {
        String stored = status;
        Instant before = expiringBefore;
        Instant notExpiredAt = null;
        if ("valid".equals(status)) {
            notExpiredAt = now;
        } else if ("expired".equals(status)) {
            stored = "valid";
            before = before == null || now.isBefore(before) ? now : before;
        }
        return new CertificateQuery(caId, text, serial, stored, before, notExpiredAt, profile, excludeProfiles, order,
                offset, limit);
    }
}
