package dev.signet.ca.store;

import dev.signet.ca.InvalidRecordException;
import java.time.Instant;

/**
 * A certificate authority as stored. {@code parentId} is null for a root or a CA whose parent is
 * outside Signet; {@code certificatePem} and {@code chainPem} are null while a CA waits for its
 * external parent to sign it ({@code status} pending).
 */
public record CaRecord(String id, String name, String status, String keyLabel, String keyBackend,
        String keyAlgorithm, String parentId, String certificatePem, String chainPem, String baseUrl,
        Instant created) {

    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";
    public static final String PENDING = "pending";

    public CaRecord {
        Checks.notBlank(id, "CA id");
        Checks.notBlank(name, "CA name");
        Checks.oneOf(status, "CA status", ACTIVE, RETIRED, PENDING);
        Checks.notBlank(keyLabel, "CA key label");
        Checks.notBlank(keyBackend, "CA key backend");
        Checks.notBlank(keyAlgorithm, "CA key algorithm");
        Checks.notNull(created, "CA creation time");
        if (!PENDING.equals(status) && (certificatePem == null || chainPem == null)) {
            throw new InvalidRecordException("an " + status + " CA needs its certificate and chain");
        }
    }
}
