package dev.signet.web;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.SignerIdentity;
import dev.signet.hsm.ScopedSigner;
import dev.signet.signing.SigningIdentity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a signer identity's id into what the signing module needs: the identity's DOCUMENT signer
 * (scoped to its one key; the module never sees the HSM) and its certificate chain as X.509.
 */
public final class DocumentSigners {

    private final CertificateAuthorities authorities;

    DocumentSigners(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    /** @throws dev.signet.ca.CaException (not found) for an unknown identity */
    public SigningIdentity identity(String id) {
        SignerIdentity identity = authorities.findSignerIdentity(id);
        ScopedSigner signer = identity.signer();
        List<X509Certificate> chain = new ArrayList<>(certificates(identity.certificate().certificatePem()));
        for (X509Certificate c : certificates(identity.certificate().chainPem())) {
            if (!chain.contains(c)) {
                chain.add(c);
            }
        }
        return new SigningIdentity(id, signer, chain);
    }

    static List<X509Certificate> certificates(String pem) {
        if (pem == null || pem.isBlank()) {
            return List.of();
        }
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalStateException("a stored certificate does not parse", e);
        }
    }
}
