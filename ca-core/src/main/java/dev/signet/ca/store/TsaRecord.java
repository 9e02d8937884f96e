package dev.signet.ca.store;

import dev.signet.ca.InvalidRecordException;
import java.time.Instant;

/**
 * A time-stamp authority as stored. {@code caId} is the Signet CA that certified its key, or null
 * when an external CA does; then {@code csrPem} is the request to give it, and the TSA is
 * {@code pending} until its certificate is imported. {@code tokensIssued} and {@code lastGenTime}
 * (null before the first token) move with every token.
 */
public record TsaRecord(String name, String caId, String status, String keyLabel, String keyBackend, String keyAlgorithm,
        String certificatePem, String chainPem, String csrPem, Instant created, long tokensIssued, Instant lastGenTime) {

    public static final String ACTIVE = "active";
    public static final String PENDING = "pending";
    public static final String RETIRED = "retired";

    public TsaRecord {
        Checks.notBlank(name, "TSA name");
        Checks.oneOf(status, "TSA status", ACTIVE, PENDING, RETIRED);
        Checks.notBlank(keyLabel, "TSA key label");
        Checks.notBlank(keyBackend, "TSA key backend");
        Checks.notBlank(keyAlgorithm, "TSA key algorithm");
        Checks.notNull(created, "TSA creation time");
        if (ACTIVE.equals(status) && (certificatePem == null || chainPem == null)) {
            throw new InvalidRecordException("an active TSA needs its certificate and chain");
        }
    }
}
