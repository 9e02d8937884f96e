package dev.signet.ca.issue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A to-be-signed certificate that passed lint, waiting for {@link CertificateIssuer#issue}: the only
 * way to get a signature. Single-use, and bound to the issuer that prepared it; only that issuer
 * can create one (the constructor is package-private).
 */
public final class PreparedCertificate {

    private final CertificateIssuer issuer;
    private final String serialHex;
    private final byte[] tbsDer;
    private final CheckedRequest request;
    private final Instant notBefore;
    private final Instant notAfter;
    private final boolean selfSigned;
    private final AtomicBoolean used = new AtomicBoolean();

    PreparedCertificate(CertificateIssuer issuer, String serialHex, byte[] tbsDer, CheckedRequest request,
            Instant notBefore, Instant notAfter, boolean selfSigned) {
        this.selfSigned = selfSigned;
        this.issuer = issuer;
        this.serialHex = serialHex;
        this.tbsDer = tbsDer;
        this.request = request;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    public String caId() {
        return issuer.caId();
    }

    public String serialHex() {
        return serialHex;
    }

    /** The linted TBSCertificate (a copy). */
    public byte[] tbsDer() {
        return tbsDer.clone();
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** A root's own certificate, reserved while the root is still pending. */
    boolean selfSigned() {
        return selfSigned;
    }

    CheckedRequest request() {
        return request;
    }

    byte[] tbsDerUnsafe() {
        return tbsDer;
    }

    boolean preparedBy(CertificateIssuer other) {
        return issuer == other;
    }

    /** Marks the token used; false if it was already. */
    boolean claim() {
        return used.compareAndSet(false, true);
    }
}
