package dev.signet.ca.store;

import dev.signet.ca.InvalidRecordException;
import java.time.Instant;
import java.util.List;

/**
 * An issued certificate as stored. {@code serialHex} is lower-case hex without leading zeros;
 * {@code status} is {@code valid} or {@code revoked} (expiry is derived from {@code notAfter});
 * {@code revokedAt} and {@code revocationReason} are set only when revoked.
 */
public record CertificateRecord(String caId, String serialHex, byte[] der, String subject, List<String> sans,
        Instant notBefore, Instant notAfter, String profile, String keyAlgorithm, String requester,
        String status, Instant revokedAt, String revocationReason) {

    public static final String VALID = "valid";
    public static final String REVOKED = "revoked";

    public CertificateRecord {
        Checks.notBlank(caId, "CA id");
        Checks.serial(serialHex);
        if (der == null || der.length == 0) {
            throw new InvalidRecordException("certificate DER is required");
        }
        der = der.clone();
        Checks.notNull(subject, "subject");
        sans = sans == null ? List.of() : List.copyOf(sans);
        for (String san : sans) {
            if (san.isEmpty() || san.indexOf('\n') >= 0) {
                throw new InvalidRecordException("a SAN must be non-empty and on one line");
            }
        }
        Checks.notNull(notBefore, "notBefore");
        Checks.notNull(notAfter, "notAfter");
        if (notAfter.isBefore(notBefore)) {
            throw new InvalidRecordException("notAfter is before notBefore");
        }
        Checks.notBlank(profile, "profile");
        Checks.notBlank(keyAlgorithm, "key algorithm");
        Checks.notBlank(requester, "requester");
        Checks.oneOf(status, "certificate status", VALID, REVOKED);
        if (REVOKED.equals(status) != (revokedAt != null)) {
            throw new InvalidRecordException("revokedAt is set exactly when the status is revoked");
        }
    }

    /** The DER bytes (a copy: records are immutable). */
    @Override
    public byte[] der() {
        return der.clone();
    }

    /** Whether the certificate's validity has ended at {@code now}. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter);
    }
}
