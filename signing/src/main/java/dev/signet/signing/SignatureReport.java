package dev.signet.signing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The verdict on one signature or document timestamp of a PDF. The first seven fields are the
 * outside contract (CONTRACT.md); the rest explain the verdict to a person.
 *
 * @param kind {@code signature} or {@code timestamp} (a document timestamp, ETSI.RFC3161)
 * @param level {@code PAdES-BASELINE-B|T|LT|LTA}, or null when none is reached (also for
 *     {@code adbe.pkcs7.detached}, which is not a PAdES baseline format)
 * @param changesAfterSigning {@code none}, {@code allowed} or {@code disallowed}
 * @param reasons why the indication is what it is, most important first
 * @param changes what later revisions changed, one line per change
 * @param chain subject DNs from the signer up to the trust anchor (empty when no chain was found)
 * @param timeline dated events: claimed signing time, timestamps, revocation, certificate expiry
 * @param revocation for each certificate below the trust anchor of the signer's chain and of every
 *     timestamp's TSA chain, its revocation status and where that came from (signer's chain first)
 */
// the contract names subIndication and level "or null": they are always present, null or not
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SignatureReport(
        String kind,
        Indication indication,
        SubIndication subIndication,
        String level,
        String signedBy,
        boolean coversWholeDocument,
        String changesAfterSigning,
        String fieldName,
        String subFilter,
        List<String> reasons,
        List<String> changes,
        List<String> chain,
        List<TimelineEvent> timeline,
        List<RevocationCheck> revocation) {

    /** One dated event of a signature's life, ISO-8601 instant first. */
    public record TimelineEvent(String time, String event) {}

    /**
     * The revocation status found for one certificate.
     *
     * @param certificate the certificate's subject DN
     * @param status {@code good}, {@code revoked}, {@code unknown} (the responder does not know it) or
     *     {@code none} (no revocation data found)
     * @param origin where the data came from: {@code file-dss} (the PDF's DSS dictionary),
     *     {@code file-cms} (inside the CMS signature), {@code signet} (Signet's own current OCSP
     *     response or CRL for a certificate of one of its CAs, asked in-process by the server), or
     *     {@code none}
     * @param kind {@code OCSP} or {@code CRL}; null when there is none
     * @param issuedAt when the data was issued (OCSP producedAt, CRL thisUpdate); null when none
     * @param revokedAt the revocation time when revoked, else null
     * @param reason the revocation reason when one is given, else null
     * @param role where the certificate is: {@code signer} or {@code ca} (the signer's chain),
     *     {@code tsa} or {@code tsa-ca} (the chain of a timestamp's TSA: a signature timestamp's, or
     *     the document timestamp's own)
     */
    public record RevocationCheck(String certificate, String status, String origin, String kind, String issuedAt,
            String revokedAt, String reason, String role) {}

    public SignatureReport {
        reasons = List.copyOf(reasons);
        changes = List.copyOf(changes);
        chain = List.copyOf(chain);
        timeline = List.copyOf(timeline);
        revocation = List.copyOf(revocation);
    }
}
