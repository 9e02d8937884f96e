package dev.signet.signing;

import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who signs: an identity's document signer (its key stays in the HSM; only digests cross the
 * boundary) and its certificate chain, the signer's certificate first.
 */
public record SigningIdentity(String id, ScopedSigner signer, List<X509Certificate> chain) {

    public SigningIdentity {
        if (signer.purpose() != KeyPurpose.DOCUMENT) {
            throw new IllegalArgumentException("identity " + id + ": a document signer needs a DOCUMENT key, not "
                    + signer.purpose());
        }
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("identity " + id + ": empty certificate chain");
        }
        if (!chain.get(0).getPublicKey().equals(signer.publicKey())) {
            throw new IllegalArgumentException("identity " + id + ": the certificate does not match the key");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
