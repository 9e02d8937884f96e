package dev.signet.ca;

import dev.signet.hsm.KeyHandle;

/**
 * A signing identity whose key was generated inside the HSM and never left it: the handle to sign
 * with and the certificate that names it. The id is {@code {caId}.{serial}}.
 */
public record SignerIdentity(String id, KeyHandle key, IssuedCertificate certificate) {
}
