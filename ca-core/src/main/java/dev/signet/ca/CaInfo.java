package dev.signet.ca;

import dev.signet.ca.issue.CaUrls;
import dev.signet.ca.issue.Certificates;
import dev.signet.ca.store.CaRecord;
import java.time.Instant;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * A CA as the API shows it. {@code certificatePem} and {@code chainPem} (the CA's certificate up
 * to its root) are null while a CA with an external parent waits for its certificate.
 */
public record CaInfo(String id, String name, String status, String subject, String keyAlgorithm,
        String keyBackend, String parentId, String certificatePem, String chainPem, String baseUrl,
        String crlUrl, String caIssuersUrl, String ocspUrl, Instant notAfter, Instant created) {

    /** The stored CA as shown: subject and expiry read from its certificate, URLs from its base URL. */
    public static CaInfo of(CaRecord r) {
        CaUrls urls = CaUrls.of(r.baseUrl(), r.id());
        String subject = null;
        Instant notAfter = null;
        if (r.certificatePem() != null) {
            Certificate c = Certificates.parsePem(r.certificatePem()).get(0);
            subject = c.getSubject().toString();
            notAfter = c.getEndDate().getDate().toInstant();
        }
        return new CaInfo(r.id(), r.name(), r.status(), subject, r.keyAlgorithm(), r.keyBackend(), r.parentId(),
                r.certificatePem(), r.chainPem(), r.baseUrl(), urls == null ? null : urls.crl(),
                urls == null ? null : urls.caIssuers(), urls == null ? null : urls.ocsp(), notAfter, r.created());
    }
}
