package dev.signet.ca;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A time-stamp authority as the API and UI show it: its configuration, its certificate (or, while
 * an external CA has not signed it, its CSR), and its counters: tokens issued (all time, from the
 * store) and rejections by RFC 3161 reason (since this process started). {@code refusal} says why
 * it gives no time-stamps now (retired, certificate revoked, CA retired, time source unavailable),
 * null while it stamps; {@code nextCsrPem} is a re-key's CSR waiting for an external CA;
 * {@code previousCertificates} (newest first) are those it signed with before, which verify the
 * tokens issued then.
 */
public record TsaInfo(String name, String path, String status, String policyOid, long accuracyMillis, boolean acceptSha1,
        String caId, String keyAlgorithm, String subject, String certificatePem, String chainPem, String csrPem,
        long tokensIssued, Instant lastGenTime, Map<String, Long> rejections, String refusal, Instant retiredAt,
        String nextCsrPem, List<PreviousCertificate> previousCertificates) {

    public TsaInfo {
        previousCertificates = List.copyOf(previousCertificates);
    }

    /** A certificate the TSA used before a re-key or its retirement; {@code keyState}: destroying or destroyed. */
    public record PreviousCertificate(String serial, String caId, Instant notBefore, Instant notAfter, Instant replacedAt,
            String keyState, String certificatePem, String chainPem) {
    }
}
