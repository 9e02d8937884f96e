package dev.signet.ca;

import java.time.Instant;
import java.util.Map;

/**
 * A time-stamp authority as the API and UI show it: its configuration, its certificate (or, while
 * an external CA has not signed it, its CSR), and its counters: tokens issued (all time, from the
 * store) and rejections by RFC 3161 reason (since this process started).
 */
public record TsaInfo(String name, String path, String status, String policyOid, long accuracyMillis, boolean acceptSha1,
        String caId, String keyAlgorithm, String subject, String certificatePem, String chainPem, String csrPem,
        long tokensIssued, Instant lastGenTime, Map<String, Long> rejections) {
}
