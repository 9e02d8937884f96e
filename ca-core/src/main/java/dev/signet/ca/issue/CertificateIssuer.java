package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.lint.LintException;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.StoreException;
import dev.signet.ca.lint.IssuerContext;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
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
import org.bouncycastle.operator.ContentSigner;

/**
 * Issues certificates for one CA, in Boulder's two steps. {@link #prepare} decides validity and
 * extensions from the profile, builds the TBSCertificate and lints it, and returns a single-use
 * {@link PreparedCertificate}; only {@link #issue} reaches the HSM. Issue records the serial and the
 * TBS in the store before signing (the same statement checks that the CA is still active), and
 * returns the certificate only once it is stored with its audit entry. Thread-safe.
 *
 * <p>This is the one path for everything a CA key signs as a certificate: leaf certificates,
 * subordinate CAs and, through {@link #selfSigning}, a root's own self-signed certificate. The key is
 * reached only through the CA's {@link ScopedSigner}, whose purpose the boundary checks.
 */
public final class CertificateIssuer {

    /** Tolerates clocks of relying parties running a little behind. */
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    private final String caId;
    /** Null for a root's self-signing issuer, which has no certificate yet. */
    private final IssuingCa ca;
    private final ScopedSigner signer;
    private final SignatureAlgorithm scheme;
    private final CertificateStore store;
    private final Linter linter;
    private final Clock clock;
    private final SecureRandom random;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final byte[] issuerKeyId;
    private final IssuerContext lintContext;

    public CertificateIssuer(IssuingCa ca, CertificateStore store, Linter linter, Clock clock, SecureRandom random) {
        this.caId = ca.id();
        this.ca = ca;
        this.signer = ca.signer();
        this.scheme = ca.signatureAlgorithm();
        this.store = store;
        this.linter = linter;
        this.clock = clock;
        this.random = random;
        this.signatureAlgorithm = signer.contentSigner(SignedObject.CERTIFICATE, scheme).getAlgorithmIdentifier();
        this.issuerKeyId = CertificateExtensions.keyId(ca.certificate().getSubjectPublicKeyInfo());
        this.lintContext = IssuerContext.issuedBy(ca.chain());
    }

    private CertificateIssuer(String caId, ScopedSigner signer, CertificateStore store, Linter linter, Clock clock,
            SecureRandom random) {
        this.caId = caId;
        this.ca = null;
        this.signer = signer;
        this.scheme = signer.defaultAlgorithm();
        this.store = store;
        this.linter = linter;
        this.clock = clock;
        this.random = random;
        this.signatureAlgorithm = signer.contentSigner(SignedObject.CERTIFICATE, scheme).getAlgorithmIdentifier();
        this.issuerKeyId = null;
        this.lintContext = IssuerContext.selfSigned();
    }

    /**
     * The issuer of a root's own self-signed certificate, for the root {@code caId} being created (its
     * record pending, no certificate yet). It prepares only with {@link #prepareSelfSigned}.
     */
    public static CertificateIssuer selfSigning(String caId, ScopedSigner signer, CertificateStore store, Linter linter,
            Clock clock, SecureRandom random) {
        return new CertificateIssuer(caId, signer, store, linter, clock, random);
    }

    public String caId() {
        return caId;
    }

    /** The CA this issuer signs for, with its {@link IssuingCa#signer() signer}; null for a self-signing issuer. */
    public IssuingCa ca() {
        return ca;
    }

    /** The CA's signer (purpose CA): what CRLs and delegated responder certificates are signed with. */
    public ScopedSigner signer() {
        return signer;
    }

    /** A fresh serial: 128 bits from the CSPRNG, positive, so at most 17 octets in DER. */
    public BigInteger newSerial() {
        return Serials.random(random);
    }

    /** Builds and lints the certificate for {@code request}. Nothing is signed or stored. */
    public PreparedCertificate prepare(CheckedRequest request) {
        return prepare(request, newSerial());
    }

    /**
     * Refuses, as {@link #prepare} would, a profile this CA may not issue under whatever the request
     * (a root issues no end-entity profile unless it is {@code issuableByRoot}): for callers that
     * would otherwise generate a key in the HSM first.
     */
    public void checkMayIssue(Profile profile) {
        if (ca == null) {
            throw new IllegalStateException("a self-signing issuer prepares only its own certificate");
        }
        if (ca.chain().size() == 1 && !profile.ca() && !profile.issuableByRoot()) {
            throw CaException.refused("root-issues-end-entity", "CA '" + ca.id() + "' is a root: it signs only CA"
                    + " certificates (CA/Browser Forum Baseline Requirements 6.1.7). Issue from a subordinate CA, or"
                    + " give profile '" + profile.name() + "' \"issuableByRoot\": true for a one-tier private PKI");
        }
    }

    /** As {@link #prepare(CheckedRequest)}, with a serial drawn beforehand by {@link #newSerial()}. */
    public PreparedCertificate prepare(CheckedRequest request, BigInteger serial) {
        if (ca == null) {
            throw new IllegalStateException("a self-signing issuer prepares only its own certificate");
        }
        Profile profile = request.profile();
        checkMayIssue(profile);
        Certificate issuer = ca.certificate();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant issuerFrom = lintContext.issuerNotBefore();
        Instant issuerTo = lintContext.issuerNotAfter();
        if (!now.isBefore(issuerTo)) {
            throw CaException.conflict("ca-expired", "CA '" + ca.id() + "' has expired");
        }
        Instant notBefore = max(now.minus(BACKDATE), issuerFrom);
        Instant notAfter = min(notBefore.plus(request.validity()), issuerTo);

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
        return new PreparedCertificate(this, serial.toString(16), tbs, request, notBefore, notAfter, false);
    }

    /**
     * Builds and lints a root's self-signed certificate: subject and issuer are the request's subject,
     * the key is the root's own (the request's public key must be the signer's). Nothing is signed.
     */
    public PreparedCertificate prepareSelfSigned(CheckedRequest request, Duration validity) {
        if (ca != null) {
            throw new IllegalStateException("only a self-signing issuer prepares a self-signed certificate");
        }
        if (!java.util.Arrays.equals(der(request.publicKey()), signer.publicKey().getEncoded())) {
            throw new IllegalArgumentException("a self-signed certificate must certify the signer's own key");
        }
        BigInteger serial = newSerial();
        Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
        Instant notAfter = notBefore.plus(validity);
        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(serial));
        g.setSignature(signatureAlgorithm);
        g.setIssuer(request.subject());
        g.setStartDate(new Time(Date.from(notBefore)));
        g.setEndDate(new Time(Date.from(notAfter)));
        g.setSubject(request.subject());
        g.setSubjectPublicKeyInfo(request.publicKey());
        g.setExtensions(CertificateExtensions.build(request, null, null));
        byte[] tbs = der(g.generateTBSCertificate());
        try {
            linter.enforce(tbs, lintContext, true);
        } catch (LintException e) {
            throw Failures.of(e);
        }
        return new PreparedCertificate(this, serial.toString(16), tbs, request, notBefore, notAfter, true);
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
            if (token.selfSigned()) {
                store.reserveSelfSigned(caId, token.serialHex(), token.tbsDerUnsafe(), req.profile().name(), req.requester());
            } else {
                store.reserve(caId, token.serialHex(), token.tbsDerUnsafe(), req.profile().name(), req.requester());
            }
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
        if (token.selfSigned()) {
            throw new IllegalStateException("a self-signed certificate is issued with issue()");
        }
        CheckedRequest req = token.request();
        try {
            return store.reserveAsync(caId, token.serialHex(), token.tbsDerUnsafe(), req.profile().name(), req.requester())
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
                    "this certificate was prepared for CA '" + token.caId() + "', not '" + caId + "'");
        }
        if (!token.claim()) {
            throw CaException.conflict("token-used", "this prepared certificate was already issued");
        }
    }

    private CertificateRecord sign(PreparedCertificate token) {
        byte[] signature;
        try {
            ContentSigner content = signer.contentSigner(SignedObject.CERTIFICATE, scheme);
            try (OutputStream out = content.getOutputStream()) {
                out.write(token.tbsDerUnsafe());
            }
            signature = content.getSignature();
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
        return new CertificateRecord(caId, token.serialHex(), der, req.subject().toString(), req.sanTexts(),
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
