package dev.signet.ca.issue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.RevocationStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes certificates that a CA signed and stored for a key that was then never put to use: the
 * record of the subordinate CA, TSA or OCSP responder they were for failed to be stored, or lost a
 * race to another node. Nobody was given such a certificate and its key is destroyed, but it would
 * stay valid in the CA's list and out of its CRLs, so it is revoked (cessationOfOperation), as a CA
 * revokes what it issued by mistake, audited with the reason. Nothing is revoked when the failed
 * write got no answer: its record may be stored after all, and then the certificate is in use.
 */
public final class UnusedCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(UnusedCertificates.class);
    /** RFC 5280 CRLReason cessationOfOperation. */
    private static final int CESSATION_OF_OPERATION = 5;

    private final RevocationStore revocations;

    public UnusedCertificates(RevocationStore revocations) {
        this.revocations = revocations;
    }

    /**
     * Revokes {@code serialHex} of {@code caId} after {@code failure}, saying {@code why}; never
     * throws (the failure being handled is what the caller reports): if the revocation fails too, a
     * warning names the certificate to revoke by hand.
     */
    public void revokeAfter(Throwable failure, String caId, String serialHex, String why, String actor) {
        if (DatabaseUnavailableException.maybeStored(failure)) {
            LOG.warn("the certificate {} of CA {} may be in use ({}; the write got no answer) and stays valid", serialHex, caId, why);
            return;
        }
        revoke(caId, serialHex, why, actor);
    }

    /** Revokes {@code serialHex} of {@code caId}, which nothing uses; never throws, as {@link #revokeAfter}. */
    public void revoke(String caId, String serialHex, String why, String actor) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "cessationOfOperation");
        details.put("why", why);
        try {
            revocations.revoke(caId, serialHex, CESSATION_OF_OPERATION, null, new AuditEvent(actor, "certificate.revoke",
                    "certificate", caId + "/" + serialHex, CanonicalJson.write(details)));
        } catch (RuntimeException e) {
            LOG.warn("the certificate {} of CA {} is not used ({}) but could not be revoked ({}): revoke it; its key is destroyed",
                    serialHex, caId, why, e.toString());
        }
    }
}
