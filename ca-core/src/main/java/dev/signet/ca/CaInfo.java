package dev.signet.ca;

import java.time.Instant;

/**
 * A CA as the API shows it. {@code certificatePem} and {@code chainPem} (the CA's certificate up
 * to its root) are null while a CA with an external parent waits for its certificate.
 */
public record CaInfo(String id, String name, String status, String subject, String keyAlgorithm,
        String keyBackend, String parentId, String certificatePem, String chainPem, String baseUrl,
        String crlUrl, String caIssuersUrl, String ocspUrl, Instant notAfter, Instant created) {
}
