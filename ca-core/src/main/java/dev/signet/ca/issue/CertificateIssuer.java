package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.lint.IssuerContext;
import dev.signet.ca.lint.LintException;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.store.AuditEvent;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.StoreException;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmContentSigner;
import dev.signet.hsm.HsmException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * Issues certificates for one CA, in Boulder's two steps. {@link #prepare} decides validity and
 * extensions from the profile, builds the TBSCertificate and lints it, and returns a single-use
 * {@link PreparedCertificate}; only {@link #issue} reaches the HSM. Issue records the serial and the
 * TBS in the store before signing, and returns the certificate only once it is stored with its
 * audit entry. Thread-safe.
 */
public final class CertificateIssuer {

    /** Tolerates clocks of relying parties running a little behind. */
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    private final IssuingCa ca;
    private final Hsm hsm;
    private final CertificateStore store;
    private final Linter linter;
    private final Clock clock;
    private final SecureRandom random;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final byte[] issuerKeyId;
    private final IssuerContext lintContext;

    public CertificateIssuer(IssuingCa ca, Hsm hsm, CertificateStore store, Linter linter, Clock clock, SecureRandom random) {
        this.ca = ca;
        this.hsm = hsm;
        this.store = store;
        this.linter = linter;
        this.clock = clock;
        this.random = random;
        this.signatureAlgorithm = HsmContentSigner.of(hsm, ca.key(), ca.signatureAlgorithm()).getAlgorithmIdentifier();
        this.issuerKeyId = CertificateExtensions.keyId(ca.certificate().getSubjectPublicKeyInfo());
        this.lintContext = IssuerContext.issuedBy(ca.chain());
    }

    public String caId() {
        return ca.id();
    }

    public IssuingCa ca() {
        return ca;
    }

    /** A fresh serial: 128 bits from the CSPRNG, positive, so at most 17 octets in DER. */
    public BigInteger newSerial() {
        return Serials.random(random);
    }

    /** Builds and lints the certificate for {@code request}. Nothing is signed or stored. */
    public PreparedCertificate prepare(CheckedRequest request) {
        return prepare(request, newSerial());
    }

    /** As {@link #prepare(CheckedRequest)}, with a serial drawn beforehand by {@link #newSerial()}. */
    public PreparedCertificate prepare(CheckedRequest request, BigInteger serial) {
        Profile profile = request.profile();
        if (ca.chain().size() == 1 && !profile.ca() && !profile.issuableByRoot()) {
            throw CaException.refused("root-issues-end-entity", "CA '" + ca.id() + "' is a root: it signs only CA"
                    + " certificates (CA/Browser Forum Baseline Requirements 6.1.7). Issue from a subordinate CA, or"
                    + " give profile '" + profile.name() + "' \"issuableByRoot\": true for a one-tier private PKI");
        }
        Certificate issuer = ca.certificate();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant issuerFrom = lintContext.issuerNotBefore();
        Instant issuerTo = lintContext.issuerNotAfter();
        if (!now.isBefore(issuerTo)) {
            throw CaException.conflict("ca-expired", "CA '" + ca.id() + "' has expired");
        }
        Instant notBefore = max(now.minus(BACKDATE), issuerFrom);
        Instant notAfter = min(notBefore.plus(profile.maxValidity()), issuerTo);

        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(serial));
        g.setSignature(signatureAlgorithm);
        g.setIssuer(issuer.getSubject());
        g.setStartDate(new Time(Date.from(notBefore)));
        g.setEndDate(new Time(Date.from(notAfter)));
        g.setSubject(request.subject());
        g.setSubjectPublicKeyInfo(request.publicKey());
        g.setExtensions(CertificateExtensions.build(request, issuerKeyId, ca.urls()));
        byte[] tbs = der(g.generateTBSCertificate());
        try {
            linter.enforce(tbs, lintContext, profile.ca());
        } catch (LintException e) {
            throw Failures.of(e);
        }
        return new PreparedCertificate(this, serial.toString(16), tbs, request, notBefore, notAfter);
    }

    /**
     * Signs a prepared certificate through the HSM and stores it. The serial and the TBS are
     * recorded before the signature; the certificate is returned only after it is stored.
     *
     * @throws CaException CONFLICT if the token was used or was prepared by another issuer
     */
    public CertificateRecord issue(PreparedCertificate token) {
        claim(token);
        CheckedRequest req = token.request();
        try {
            store.reserve(ca.id(), token.serialHex(), token.tbsDerUnsafe(), req.profile().name(), req.requester());
            CertificateRecord record = sign(token);
            store.store(record, issuedEvent(record));
            return record;
        } catch (StoreException e) {
            throw Failures.of(e);
        }
    }

    /**
     * {@link #issue}, without holding the caller's thread while the store commits: the reservation
     * is queued for the next group commit, the signature is made on {@code signing} once the
     * reservation is durable, then the certificate is queued for storage. The future completes after
     * the certificate's commit, so many issuances in flight share each commit (and its fsync).
     */
    public CompletableFuture<CertificateRecord> issueAsync(PreparedCertificate token, Executor signing) {
        claim(token);
        CheckedRequest req = token.request();
        try {
            return store.reserveAsync(ca.id(), token.serialHex(), token.tbsDerUnsafe(), req.profile().name(), req.requester())
                    .thenApplyAsync(reserved -> sign(token), signing)
                    .thenCompose(record -> store.storeAsync(record, issuedEvent(record)).thenApply(stored -> record))
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e)));
        } catch (StoreException e) {
            throw Failures.of(e);
        }
    }

    private static Throwable translate(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof StoreException se ? Failures.of(se) : cause;
    }

    private void claim(PreparedCertificate token) {
        if (!token.preparedBy(this)) {
            throw CaException.conflict("token-wrong-issuer",
                    "this certificate was prepared for CA '" + token.caId() + "', not '" + ca.id() + "'");
        }
        if (!token.claim()) {
            throw CaException.conflict("token-used", "this prepared certificate was already issued");
        }
    }

    private CertificateRecord sign(PreparedCertificate token) {
        byte[] signature;
        try {
            HsmContentSigner signer = HsmContentSigner.of(hsm, ca.key(), ca.signatureAlgorithm());
            try (OutputStream out = signer.getOutputStream()) {
                out.write(token.tbsDerUnsafe());
            }
            signature = signer.getSignature();
        } catch (HsmException e) {
            throw Failures.of(e);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        byte[] der;
        try {
            der = new DERSequence(new ASN1Encodable[] {
                ASN1Primitive.fromByteArray(token.tbsDerUnsafe()), signatureAlgorithm, new DERBitString(signature)})
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the certificate", e);
        }
        CheckedRequest req = token.request();
        return new CertificateRecord(ca.id(), token.serialHex(), der, req.subject().toString(), req.sanTexts(),
                token.notBefore(), token.notAfter(), req.profile().name(), req.keyAlgorithm(), req.requester(),
                CertificateRecord.VALID, null, null);
    }

    private static AuditEvent issuedEvent(CertificateRecord record) {
        return new AuditEvent(record.requester(), "certificate.issue", "certificate",
                record.caId() + "/" + record.serialHex(), CertificateStore.issuedDetails(record));
    }

    private static byte[] der(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
