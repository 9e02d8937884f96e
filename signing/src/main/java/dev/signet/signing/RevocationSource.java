package dev.signet.signing;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Revocation data for the chains a long-term signature (B-LT) must carry: Signet's own OCSP
 * responder and CRLs for the CAs it runs. Implementations answer from what they hold and make no
 * network call unless configured to.
 */
public interface RevocationSource {

    /** A DER OCSP response (an OCSPResponse, status successful) for {@code certificate}, if one can be had. */
    Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer);

    /** The current DER CRLs of {@code issuer} that cover {@code certificate}; empty when it publishes none. */
    List<byte[]> crls(X509Certificate certificate, X509Certificate issuer);

    /** A source that has nothing: B-LT and B-LTA are then refused rather than claimed without data. */
    static RevocationSource none() {
        return new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return Optional.empty();
            }

            @Override
            public List<byte[]> crls(X509Certificate certificate, X509Certificate issuer) {
                return List.of();
            }
        };
    }
}
