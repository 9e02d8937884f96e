package dev.signet.ca;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.RevocationStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * What may be done to the CAs' records with the database alone, without the HSM: for the command
 * line beside a running server. List the CAs; revoke a certificate or release it from hold, under
 * the same rules as {@link Revocations} (the operator counts as an admin). The server picks a
 * revocation up within its revocation poll and signs the CRLs that follow.
 */
public final class CaRecords {

    private final CaStore cas;
    private final CertificateStore certificates;
    private final RevocationStore revocations;

    public CaRecords(Storage storage) {
        this.cas = new CaStore(storage.database());
        this.certificates = new CertificateStore(storage.database());
        this.revocations = new RevocationStore(storage.database());
    }

    /** Every CA, oldest first. */
    public List<CaInfo> list() {
        return cas.list().stream().map(CaInfo::of).toList();
    }

    /**
     * Revokes {@code caId}'s certificate {@code serialHex} (lower-case hex, no leading zeros) for
     * {@code reasonName}, audited as {@code certificate.revoke} by {@code actor}.
     *
     * @return the reason
     * @throws CaException NOT_FOUND for an unknown certificate, or as {@link Revocations#checkRevoke}
     * @throws RevocationConflictException if it is revoked already
     */
    public RevocationReason revoke(String caId, String serialHex, String reasonName, Instant invalidityDate, String actor) {
        CertificateRecord cert = certificates.find(caId, serialHex)
                .orElseThrow(() -> CaException.notFound("certificate-unknown", "CA '" + caId + "' issued no certificate with serial " + serialHex));
        RevocationReason r = Revocations.checkRevoke(reasonName, Certificate.getInstance(cert.der()), invalidityDate, Instant.now(), true);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", r.apiName());
        if (invalidityDate != null) {
            details.put("invalidityDate", invalidityDate.toString());
        }
        revocations.revoke(caId, serialHex, r.code(), invalidityDate, AuditEvent.of(actor, "certificate.revoke",
                "certificate", caId + "/" + serialHex, details));
        return r;
    }

    /**
     * Releases {@code caId}'s certificate {@code serialHex} from hold, audited as
     * {@code certificate.release} by {@code actor}.
     * @throws RevocationConflictException if it is not on hold
     */
    public void release(String caId, String serialHex, String actor) {
        revocations.release(caId, serialHex, RevocationReason.CERTIFICATE_HOLD.code(),
                AuditEvent.of(actor, "certificate.release", "certificate", caId + "/" + serialHex));
    }
}
