package dev.signet.ca.lint;

import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * What lint needs to know about the issuer: its chain, issuer first and the root last. An empty
 * chain means the certificate is self-signed (a root): it is its own issuer. The issuer's validity
 * is decoded once here, not for every certificate linted against it.
 */
public final class IssuerContext {

    private final List<Certificate> chain;
    private final Instant issuerNotBefore;
    private final Instant issuerNotAfter;

    public IssuerContext(List<Certificate> chain) {
        this.chain = List.copyOf(chain);
        this.issuerNotBefore = this.chain.isEmpty() ? null : this.chain.get(0).getStartDate().getDate().toInstant();
        this.issuerNotAfter = this.chain.isEmpty() ? null : this.chain.get(0).getEndDate().getDate().toInstant();
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

    public List<Certificate> chain() {
        return chain;
    }

    public boolean isSelfSigned() {
        return chain.isEmpty();
    }

    /** The issuer's notBefore; null when self-signed. */
    public Instant issuerNotBefore() {
        return issuerNotBefore;
    }

    /** The issuer's notAfter; null when self-signed. */
    public Instant issuerNotAfter() {
        return issuerNotAfter;
    }
}
