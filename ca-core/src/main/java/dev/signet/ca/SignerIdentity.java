package dev.signet.ca;

import dev.signet.hsm.ScopedSigner;

/**
 * A signing identity whose key was generated inside the HSM and never left it: its signer (purpose
 * {@link dev.signet.hsm.KeyPurpose#DOCUMENT}: document signatures only) and the certificate that
 * names it. The id is {@code {caId}.{serial}}.
 */
public record SignerIdentity(String id, ScopedSigner signer, IssuedCertificate certificate) {
}
