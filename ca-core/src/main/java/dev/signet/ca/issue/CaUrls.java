package dev.signet.ca.issue;

/**
 * Where a CA publishes its CRL, its own certificate and its OCSP responder, derived from its base
 * URL: {@code {baseUrl}/crl/{caId}.crl}, {@code {baseUrl}/ca/{caId}.crt}, {@code {baseUrl}/ocsp/{caId}}.
 * These go into the CRL distribution point and AIA of every certificate the CA issues.
 */
public record CaUrls(String crl, String caIssuers, String ocsp) {

    /** The URLs for {@code caId}, or null when the CA has no base URL. */
    public static CaUrls of(String baseUrl, String caId) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return null;
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new CaUrls(base + "/crl/" + caId + ".crl", base + "/ca/" + caId + ".crt", base + "/ocsp/" + caId);
    }
}
