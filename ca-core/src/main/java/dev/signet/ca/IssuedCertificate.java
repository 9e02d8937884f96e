package dev.signet.ca;

import java.time.Instant;
import java.util.List;

/**
 * An issued certificate, as returned after it was stored. {@code serial} is lower-case hex
 * without leading zeros; {@code chainPem} is the issuing CA's chain up to its root (the leaf not
 * included); {@code status} is {@code valid}, {@code revoked} or {@code expired}.
 */
public record IssuedCertificate(String caId, String serial, String certificatePem, String chainPem,
        String subject, List<String> subjectAltNames, Instant notBefore, Instant notAfter, String profile,
        String keyAlgorithm, String requester, String status, Instant revokedAt, String revocationReason) {

    public IssuedCertificate {
        subjectAltNames = List.copyOf(subjectAltNames);
    }
}
