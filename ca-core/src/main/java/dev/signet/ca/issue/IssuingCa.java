package dev.signet.ca.issue;

import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignatureAlgorithm;
import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * What an issuer needs to know about its CA: id, its signer (the CA key, scoped to
 * {@link dev.signet.hsm.KeyPurpose#CA}: certificates, CRLs and the CA's own OCSP responses) and
 * signature scheme, its chain (its own certificate first, the root last) and the URLs it publishes at.
 */
public record IssuingCa(String id, ScopedSigner signer, SignatureAlgorithm signatureAlgorithm, List<Certificate> chain,
        CaUrls urls) {

    public IssuingCa {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an issuing CA needs its certificate");
        }
    }

    public Certificate certificate() {
        return chain.get(0);
    }
}
