package dev.signet.ca.lint;

import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * What lint needs to know about the issuer: its chain, issuer first and the root last. An empty
 * chain means the certificate is self-signed (a root): it is its own issuer.
 */
public record IssuerContext(List<Certificate> chain) {

    public IssuerContext {
        chain = List.copyOf(chain);
    }

    public static IssuerContext selfSigned() {
        return new IssuerContext(List.of());
    }

    public static IssuerContext issuedBy(List<Certificate> issuerChain) {
        if (issuerChain.isEmpty()) {
            throw new IllegalArgumentException("an issuer chain starts with the issuer's certificate");
        }
        return new IssuerContext(issuerChain);
    }

    public boolean isSelfSigned() {
        return chain.isEmpty();
    }
}
