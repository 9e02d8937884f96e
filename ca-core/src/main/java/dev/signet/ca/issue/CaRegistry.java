package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SigningKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The issuers of the active CAs, built from the store on first use and dropped when a CA changes. */
public final class CaRegistry {

    private final SigningKeys caKeys;
    private final CaStore cas;
    private final CertificateStore certificates;
    private final Linter linter;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, CertificateIssuer> issuers = new ConcurrentHashMap<>();

    public CaRegistry(SigningKeys caKeys, CaStore cas, CertificateStore certificates, Linter linter, Clock clock, SecureRandom random) {
        this.caKeys = caKeys;
        this.cas = cas;
        this.certificates = certificates;
        this.linter = linter;
        this.clock = clock;
        this.random = random;
    }

    /** The stored CA. @throws CaException NOT_FOUND */
    public CaRecord record(String caId) {
        return cas.find(caId).orElseThrow(() -> CaException.notFound("ca-unknown", "no CA '" + caId + "'"));
    }

    /**
     * Refuses a CA that is not active as {@link #issuer} does, from the record as stored now rather
     * than from an issuer cached before the CA was retired (whose issuance the store refuses).
     * @throws CaException NOT_FOUND, or CONFLICT if the CA is not active
     */
    public void checkActive(String caId) {
        refuseInactive(record(caId));
    }

    private void refuseInactive(CaRecord ca) {
        if (!CaRecord.ACTIVE.equals(ca.status())) {
            if (CaRecord.RETIRED.equals(ca.status()) && cas.ownCertificateRevoked(ca.id())) {
                throw CaException.conflict("ca-revoked", "CA '" + ca.id() + "' cannot issue: its own certificate is revoked");
            }
            throw CaException.conflict("ca-not-active", "CA '" + ca.id() + "' is " + ca.status() + " and cannot issue");
        }
    }

    /** The issuer of an active CA. @throws CaException NOT_FOUND, or CONFLICT if the CA is not active */
    public CertificateIssuer issuer(String caId) {
        CertificateIssuer cached = issuers.get(caId);
        if (cached != null) {
            return cached;
        }
        CaRecord ca = record(caId);
        refuseInactive(ca);
        if (!ca.keyBackend().equals(caKeys.backendName())) {
            throw new CaException(CaException.Kind.UNAVAILABLE, "hsm-backend-mismatch", "CA '" + caId
                    + "' has its key in the " + ca.keyBackend() + " backend, this server runs " + caKeys.backendName());
        }
        KeyAlgorithm algorithm = KeyAlgorithm.parse(ca.keyAlgorithm());
        ScopedSigner signer;
        try {
            signer = caKeys.get(ca.keyLabel());
        } catch (HsmException e) {
            throw Failures.of(e);
        }
        if (signer.keyAlgorithm() != algorithm) {
            throw new CaException(CaException.Kind.UNAVAILABLE, "ca-key-mismatch", "CA '" + caId + "' records a "
                    + algorithm + " key but its key '" + ca.keyLabel() + "' is " + signer.keyAlgorithm());
        }
        IssuingCa issuing = new IssuingCa(ca.id(), signer, SignatureAlgorithm.defaultFor(algorithm),
                Certificates.parsePem(ca.chainPem()), CaUrls.of(ca.baseUrl(), ca.id()));
        CertificateIssuer issuer = new CertificateIssuer(issuing, certificates, linter, clock, random);
        CertificateIssuer raced = issuers.putIfAbsent(caId, issuer);
        return raced != null ? raced : issuer;
    }

    /** Forgets a CA's issuer, after its record changed (retired, certificate imported). */
    public void forget(String caId) {
        issuers.remove(caId);
    }

    /** Forgets every issuer: a CA changed on another node. */
    public void forgetAll() {
        issuers.clear();
    }
}
