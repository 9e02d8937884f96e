package dev.signet.ca;

import dev.signet.ca.issue.Certificates;
import dev.signet.ca.issue.Failures;
import dev.signet.ca.issue.Pem;
import dev.signet.ca.store.TsaRecord;
import dev.signet.ca.store.TsaStore;
import dev.signet.ca.tsa.Digests;
import dev.signet.ca.tsa.TimeStamper;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.SigningKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;

/**
 * The time-stamp authorities (RFC 3161), as the web layer and Signet's own signatures use them:
 * create the configured ones that do not exist yet (a TIMESTAMPING key in the HSM and a certificate
 * from the {@value #PROFILE} profile, through a Signet CA's prepare/issue path, or a CSR for an
 * external CA), answer queries, and give in-process tokens ({@link #builtIn}). Thread-safe.
 */
public final class TimeStampAuthorities {

    /** The certificate profile of every TSA (EKU id-kp-timeStamping, critical). */
    public static final String PROFILE = "timestamping";

    private final SigningKeys keys;
    private final String keyBackend;
    private final CertificateAuthorities cas;
    private final TsaStore store;
    private final Map<String, TsaSettings> settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, TimeStamper> active = new ConcurrentHashMap<>();
    private final Map<String, Map<TsaReply.Failure, LongAdder>> rejections = new ConcurrentHashMap<>();

    /**
     * @param keys       the {@link KeyPurpose#TIMESTAMPING} keys
     * @param keyBackend the HSM backend's name, recorded with each TSA
     * @param settings   the configured TSAs
     */
    public TimeStampAuthorities(SigningKeys keys, String keyBackend, CertificateAuthorities cas, TsaStore store, List<TsaSettings> settings,
            Clock clock) {
        if (keys.purpose() != KeyPurpose.TIMESTAMPING) {
            throw new IllegalArgumentException("a TSA's keys have purpose TIMESTAMPING, not " + keys.purpose());
        }
        this.keys = keys;
        this.keyBackend = keyBackend;
        this.cas = cas;
        this.store = store;
        this.settings = new LinkedHashMap<>();
        for (TsaSettings s : settings) {
            if (this.settings.put(s.name(), s) != null) {
                throw new IllegalArgumentException("TSA '" + s.name() + "' is configured twice");
            }
            Map<TsaReply.Failure, LongAdder> counts = new java.util.EnumMap<>(TsaReply.Failure.class);
            for (TsaReply.Failure f : TsaReply.Failure.values()) {
                counts.put(f, new LongAdder());
            }
            rejections.put(s.name(), counts);
        }
        this.clock = clock;
    }

    /** The configured TSAs' names, the default first if configured. */
    public List<String> names() {
        return List.copyOf(settings.keySet());
    }

    /**
     * Creates every configured TSA the store does not hold yet; one certified by a Signet CA gets
     * its certificate from {@code caId} in its settings, or else from {@code defaultCaId}. A TSA
     * that another node created meanwhile is left as that node made it.
     */
    public void createMissing(String defaultCaId, String actor) {
        for (TsaSettings s : settings.values()) {
            if (guard(() -> store.find(s.name())).isEmpty()) {
                create(s, defaultCaId, actor);
            }
        }
    }

    private void create(TsaSettings s, String defaultCaId, String actor) {
        String caId = s.externalCa() ? null : (s.caId() != null ? s.caId() : defaultCaId);
        if (!s.externalCa() && caId == null) {
            throw CaException.badRequest("tsa-ca-missing", "TSA '" + s.name() + "' needs a CA to certify it");
        }
        // A random suffix: nodes sharing one HSM may race to create the same TSA.
        String label = "tsa-" + s.name() + "-" + HexFormat.of().formatHex(randomBytes(4));
        ScopedSigner signer;
        try {
            signer = keys.generate(label, s.keyAlgorithm());
        } catch (HsmException e) {
            throw Failures.of(e);
        }
        try {
            TsaRecord record;
            if (caId != null) {
                IssuedCertificate cert = cas.issueForKey(caId, PROFILE, signer.publicKey(), s.subject(), actor);
                record = new TsaRecord(s.name(), caId, TsaRecord.ACTIVE, label, keyBackend, s.keyAlgorithm().name(),
                        cert.certificatePem(), cert.certificatePem() + cert.chainPem(), null, clock.instant(), 0, null);
            } else {
                record = new TsaRecord(s.name(), null, TsaRecord.PENDING, label, keyBackend, s.keyAlgorithm().name(), null, null,
                        csr(signer, s.subject()), clock.instant(), 0, null);
            }
            store.create(record, new AuditEvent(actor, "tsa.create", "tsa", s.name(), details(s, record)));
        } catch (AlreadyExistsException raced) {
            destroyQuietly(label);
        } catch (RuntimeException e) {
            destroyQuietly(label);
            throw e instanceof StoreException se ? Failures.of(se) : e;
        }
    }

    /**
     * Imports the certificate an external CA issued for a pending TSA's CSR ({@code chainPem}: its
     * CA's chain up to the root). The certificate must be for the TSA's key and have
     * id-kp-timeStamping as its only, critical, extended key usage (RFC 3161 2.3).
     */
    public TsaInfo importCertificate(String name, String certificatePem, String chainPem, String actor) {
        TsaSettings s = settingsOf(name);
        TsaRecord r = guard(() -> store.find(name)).orElseThrow(() -> notFound(name));
        if (!TsaRecord.PENDING.equals(r.status())) {
            throw CaException.conflict("tsa-not-pending", "TSA '" + name + "' is " + r.status() + ", not waiting for a certificate");
        }
        List<Certificate> certs = Certificates.parsePem(certificatePem);
        if (certs.size() != 1) {
            throw CaException.badRequest("certificate-count", "send exactly one TSA certificate");
        }
        Certificate cert = certs.get(0);
        ScopedSigner signer = keys.get(r.keyLabel());
        if (!Arrays.equals(cert.getSubjectPublicKeyInfo().getPublicKeyData().getBytes(),
                SubjectPublicKeyInfo.getInstance(signer.publicKey().getEncoded()).getPublicKeyData().getBytes())) {
            throw CaException.refused("certificate-key-mismatch", "the certificate is not for this TSA's key");
        }
        Extension eku = cert.getTBSCertificate().getExtensions() == null ? null
                : cert.getTBSCertificate().getExtensions().getExtension(Extension.extendedKeyUsage);
        if (eku == null || !eku.isCritical()
                || !Arrays.equals(ExtendedKeyUsage.getInstance(eku.getParsedValue()).getUsages(),
                        new KeyPurposeId[] {KeyPurposeId.id_kp_timeStamping})) {
            throw CaException.refused("certificate-not-tsa", "a TSA certificate has id-kp-timeStamping as its only, critical, EKU");
        }
        List<Certificate> chain = new ArrayList<>(List.of(cert));
        chain.addAll(Certificates.parsePem(chainPem));
        String pem = Certificates.pem(cert);
        TsaRecord updated = new TsaRecord(r.name(), null, TsaRecord.ACTIVE, r.keyLabel(), r.keyBackend(), r.keyAlgorithm(),
                pem, Certificates.pem(chain), r.csrPem(), r.created(), r.tokensIssued(), r.lastGenTime());
        guard(() -> {
            store.update(updated, new AuditEvent(actor, "tsa.certificate.import", "tsa", name, details(s, updated)));
            return null;
        });
        active.remove(name);
        return info(s, guard(() -> store.find(name)).orElseThrow(() -> notFound(name)));
    }

    public List<TsaInfo> list() {
        List<TsaInfo> out = new ArrayList<>();
        for (TsaRecord r : guard(store::list)) {
            TsaSettings s = settings.get(r.name());
            if (s != null) {
                out.add(info(s, r));
            }
        }
        return out;
    }

    /** @throws CaException NOT_FOUND if no such TSA is configured and created */
    public TsaInfo get(String name) {
        TsaSettings s = settingsOf(name);
        return info(s, guard(() -> store.find(name)).orElseThrow(() -> notFound(name)));
    }

    /**
     * Answers a DER TimeStampReq sent to TSA {@code name}. The future completes once a granted
     * token is durably recorded with its audit entry; a refusal completes it with a rejection.
     *
     * @throws CaException NOT_FOUND if no TSA of that name is configured
     */
    public CompletableFuture<TsaReply> respond(String name, byte[] query, String requester) {
        TsaSettings s = settingsOf(name);
        TimeStamper stamper = stamper(s);
        if (stamper == null) {
            return CompletableFuture.completedFuture(count(name, TimeStamper.reject(TsaReply.Failure.SYSTEM_FAILURE,
                    "this TSA has no certificate yet")));
        }
        return stamper.respond(query, requester).thenApply(r -> count(name, r));
    }

    /**
     * A rejection by TSA {@code name} for a query refused before it reached the TSA (its media type
     * or size, say), counted with the TSA's other rejections.
     */
    public TsaReply rejection(String name, TsaReply.Failure failure, String text) {
        settingsOf(name);
        return count(name, TimeStamper.reject(failure, text));
    }

    /**
     * The in-process source of TSA {@code name} for Signet's own signatures, recording each token
     * under {@code requester} like any other.
     */
    public TimeStampSource builtIn(String name, String requester) {
        TsaSettings s = settingsOf(name);
        return (digestAlgorithm, imprint) -> {
            ASN1ObjectIdentifier alg = Digests.oid(digestAlgorithm);
            if (alg == null || "SHA-1".equals(digestAlgorithm) && !s.acceptSha1()) {
                throw CaException.badRequest("timestamp-digest-unsupported",
                        "time-stamps take SHA-256, SHA-384 or SHA-512 imprints, not " + digestAlgorithm);
            }
            TimeStampRequestGenerator g = new TimeStampRequestGenerator();
            g.setCertReq(true);
            TimeStampRequest request;
            try {
                request = g.generate(alg, imprint, new BigInteger(64, random));
            } catch (IllegalArgumentException e) {
                throw CaException.badRequest("timestamp-imprint-invalid", "the message imprint is missing");
            }
            TimeStamper stamper = stamper(s);
            TsaReply reply = stamper == null
                    ? TimeStamper.reject(TsaReply.Failure.SYSTEM_FAILURE, "this TSA has no certificate yet")
                    : stamper.respond(request, requester).join();
            count(name, reply);
            if (!reply.granted()) {
                CaException.Kind kind = reply.failure() == TsaReply.Failure.BAD_DATA_FORMAT
                        || reply.failure() == TsaReply.Failure.BAD_ALG ? CaException.Kind.BAD_REQUEST : CaException.Kind.UNAVAILABLE;
                throw new CaException(kind, "tsa-" + reply.failure().rfcName(), reply.statusText());
            }
            return new TimeStamp(reply.tokenDer(), chainDer(guard(() -> store.find(name)).orElseThrow().chainPem()),
                    reply.serialHex(), reply.genTime());
        };
    }

    private TsaReply count(String name, TsaReply reply) {
        if (!reply.granted()) {
            rejections.get(name).get(reply.failure()).increment();
        }
        return reply;
    }

    /** The working TSA, built on first use from its stored record; null while it has no certificate. */
    private TimeStamper stamper(TsaSettings s) {
        TimeStamper cached = active.get(s.name());
        if (cached != null) {
            return cached;
        }
        TsaRecord r = guard(() -> store.find(s.name())).orElse(null);
        if (r == null || !TsaRecord.ACTIVE.equals(r.status())) {
            return null;
        }
        ScopedSigner signer;
        try {
            signer = keys.get(r.keyLabel());
        } catch (HsmException e) {
            throw Failures.of(e);
        }
        List<X509CertificateHolder> chain = new ArrayList<>();
        for (Certificate c : Certificates.parsePem(r.chainPem())) {
            chain.add(new X509CertificateHolder(c));
        }
        TimeStamper stamper = new TimeStamper(s, signer, chain, store, clock, r.lastGenTime());
        TimeStamper raced = active.putIfAbsent(s.name(), stamper);
        return raced != null ? raced : stamper;
    }

    private TsaInfo info(TsaSettings s, TsaRecord r) {
        Map<String, Long> counts = new TreeMap<>();
        rejections.get(s.name()).forEach((f, n) -> counts.put(f.rfcName(), n.sum()));
        return new TsaInfo(s.name(), s.path(), r.status(), s.policyOid(), s.accuracy().toMillis(), s.acceptSha1(), r.caId(),
                r.keyAlgorithm(), s.subject(), r.certificatePem(), r.chainPem(), r.csrPem(), r.tokensIssued(), r.lastGenTime(),
                counts);
    }

    private TsaSettings settingsOf(String name) {
        TsaSettings s = name == null ? null : settings.get(name);
        if (s == null) {
            throw notFound(name);
        }
        return s;
    }

    private static CaException notFound(String name) {
        return CaException.notFound("tsa-unknown", "no TSA '" + name + "'");
    }

    /**
     * A PKCS#10 request for an external CA. Its proof-of-possession signature goes through the TSA's
     * scoped signer as a CERTIFICATE_REQUEST, the one thing besides tokens that a TIMESTAMPING key
     * may sign.
     */
    private static String csr(ScopedSigner signer, String subject) {
        try {
            byte[] der = new PKCS10CertificationRequestBuilder(new X500Name(subject),
                    SubjectPublicKeyInfo.getInstance(signer.publicKey().getEncoded()))
                    .build(signer.contentSigner(SignedObject.CERTIFICATE_REQUEST)).getEncoded();
            return Pem.encode("CERTIFICATE REQUEST", der);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the CSR", e);
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("subject-malformed", "not a distinguished name: '" + subject + "'");
        }
    }

    private static List<byte[]> chainDer(String chainPem) {
        return Certificates.parsePem(chainPem).stream().map(Certificates::der).toList();
    }

    private static String details(TsaSettings s, TsaRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("policy", s.policyOid());
        d.put("caId", r.caId());
        d.put("keyLabel", r.keyLabel());
        d.put("status", r.status());
        return dev.signet.ca.audit.CanonicalJson.write(d);
    }

    private void destroyQuietly(String label) {
        try {
            keys.destroy(label);
        } catch (RuntimeException ignored) {
            // the failure that made us destroy it is the one to report
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static <T> T guard(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (StoreException e) {
            throw Failures.of(e);
        }
    }
}
