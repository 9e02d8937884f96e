package dev.signet.signing;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where RFC 3161 time-stamps come from (web wires Signet's TSA, or the external one it is configured
 * to use, through ca-core's TimeStampSource). Used for the signature time-stamp (B-T) and the document time-stamp (B-LTA).
 */
public interface TimestampSource {

    /**
     * A time-stamp token over {@code digest}.
     *
     * @param digestAlgorithm the JCA name of the digest, e.g. {@code SHA-256}
     * @return the DER-encoded TimeStampToken (a CMS ContentInfo), whose certificates include the TSA's
     * @throws SigningException of kind {@link SigningException.Kind#TIMESTAMP_UNAVAILABLE} when none can be had
     */
    byte[] timestamp(String digestAlgorithm, byte[] digest);

    /**
     * The TSA's certificate chain (its own certificate first), for the revocation data of B-LT when
     * tokens carry only the TSA's certificate. Empty when tokens carry the whole chain.
     */
    default List<X509Certificate> chain() {
        return List.of();
    }
}
