package dev.signet.ca;

import dev.signet.hsm.KeyAlgorithm;
import java.time.Duration;

/**
 * What a new CA should be. {@code validity} and {@code pathLen} apply to roots (a subordinate's
 * come from its profile, clamped to the parent's validity; null validity means the profile's
 * maximum); {@code baseUrl} is where Signet publishes this CA's CRL, certificate and OCSP
 * responder, written into the certificates it issues (null: no such URLs).
 */
public record NewCa(String name, String subjectDn, KeyAlgorithm keyAlgorithm, Duration validity, Integer pathLen,
        String baseUrl) {
}
