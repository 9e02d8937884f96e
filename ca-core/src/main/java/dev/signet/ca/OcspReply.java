package dev.signet.ca;

import java.time.Instant;

/**
 * A DER OCSPResponse and what HTTP caching needs: {@code cacheable} (a successful response to a
 * request without a nonce, RFC 5019 6.2) with its thisUpdate, nextUpdate and an ETag.
 */
public record OcspReply(byte[] der, boolean cacheable, Instant thisUpdate, Instant nextUpdate, String etag) {

    /** A response that must not be cached (an error status, or one signed for a nonce). */
    public static OcspReply uncached(byte[] der) {
        return new OcspReply(der, false, null, null, null);
    }
}
