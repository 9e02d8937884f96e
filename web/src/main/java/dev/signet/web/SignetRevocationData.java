package dev.signet.web;

import dev.signet.ca.CaException;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.Revocations;
import dev.signet.signing.RevocationSource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * B-LT revocation data from Signet's own responder and CRLs, in-process: for a certificate whose
 * issuer is one of Signet's CAs, that CA's OCSP response and current full CRL. Certificates of
 * other issuers get nothing (no outbound fetch), and B-LT is then refused by the signer.
 */
final class SignetRevocationData implements RevocationSource {

    private final CertificateAuthorities authorities;
    private final Revocations revocations;

    SignetRevocationData(CertificateAuthorities authorities, Revocations revocations) {
        this.authorities = authorities;
        this.revocations = revocations;
    }

    @Override
    public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
        return caOf(issuer).flatMap(caId -> {
            try {
                return Optional.of(revocations.ocspResponse(caId, certificate.getSerialNumber().toString(16)));
            } catch (CaException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public List<byte[]> crls(X509Certificate certificate, X509Certificate issuer) {
        return caOf(issuer).map(caId -> {
            try {
                return List.of(revocations.currentCrl(caId));
            } catch (CaException e) {
                return List.<byte[]>of();
            }
        }).orElse(List.of());
    }

    /** The Signet CA whose certificate is exactly {@code issuer}. */
    private Optional<String> caOf(X509Certificate issuer) {
        byte[] der;
        try {
            der = issuer.getEncoded();
        } catch (CertificateEncodingException e) {
            return Optional.empty();
        }
        for (CaInfo ca : authorities.list()) {
            if (ca.certificatePem() != null && Arrays.equals(der, derOf(ca.certificatePem()))) {
                return Optional.of(ca.id());
            }
        }
        return Optional.empty();
    }

    private static byte[] derOf(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getEncoded();
        } catch (CertificateException e) {
            return new byte[0];
        }
    }
}
