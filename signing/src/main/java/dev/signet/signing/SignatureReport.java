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
        List<TimelineEvent> timeline) {

    /** One dated event of a signature's life, ISO-8601 instant first. */
    public record TimelineEvent(String time, String event) {}

    public SignatureReport {
        reasons = List.copyOf(reasons);
        changes = List.copyOf(changes);
        chain = List.copyOf(chain);
        timeline = List.copyOf(timeline);
    }
}
