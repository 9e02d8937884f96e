package dev.signet.ca;

import dev.signet.ca.issue.Certificates;
import dev.signet.ca.issue.Failures;
import dev.signet.ca.issue.GeneratedKeys;
import dev.signet.ca.issue.Pem;
import dev.signet.ca.store.TsaCertificateRecord;
import dev.signet.ca.store.TsaRecord;
import dev.signet.ca.store.TsaRejections;
import dev.signet.ca.store.TsaStore;
import dev.signet.ca.tsa.Digests;
import dev.signet.ca.tsa.ExternalCrlCheck;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-stamp authorities (RFC 3161), as the web layer and Signet's own signatures use them:
 * create the configured ones that do not exist yet (a TIMESTAMPING key in the HSM and a certificate
 * from the {@value #PROFILE} profile, through a Signet CA's prepare/issue path, or a CSR for an
 * external CA), answer queries, and give in-process tokens ({@link #builtIn}). Thread-safe.
 *
 * <p>An admin {@link #rekey re-keys} a TSA (a new key and certificate; the TSA keeps its name, URL
 * and policy, and its earlier certificates stay in its history so that tokens issued under them
 * stay verifiable) or {@link #retire retires} it (it stamps nothing more; its record and counters
 * stay). A key no longer used is destroyed in the HSM right after the change commits: tokens are
 * verified with the certificate, never the key, and a TIMESTAMPING key can sign nothing else.
 *
 * <p>Each TSA's state on this node (its stamper, and why it refuses, if it does) is kept in memory
 * and read once per token; {@link #refresh} re-reads it from the store after anything that can
 * change it: a re-key or retirement (here, or on another node: {@code NodeChanges.TSAS}), a CA
 * retired, a revocation (the TSA's own certificate, or its CA's). A TSA refuses, with a
 * {@code systemFailure} rejection that says why, while it is retired, its certificate is revoked or
 * its issuing CA is retired (for a TSA an external CA certified: while that CA's CRL lists it, see
 * {@link #checkExternalRevocations}); and with {@code timeNotAvailable} while the {@link TsaTimeSource} cannot
 * vouch for the clock.
 */
public final class TimeStampAuthorities {

    /** The certificate profile of every TSA (EKU id-kp-timeStamping, critical). */
    public static final String PROFILE = "timestamping";

    private static final Logger LOG = LoggerFactory.getLogger(TimeStampAuthorities.class);
    private static final String NO_CERTIFICATE = "this TSA has no certificate yet";

    /**
     * One TSA's state on this node: its stamper (null while it has no certificate), the key and
     * certificate it signs with, and why it refuses (null while it stamps).
     */
    private record Serving(TimeStamper stamper, String keyLabel, String certificatePem, List<byte[]> chainDer, String refusal) {
    }

    private final SigningKeys keys;
    private final String keyBackend;
    private final CertificateAuthorities cas;
    private final TsaStore store;
    private final Map<String, TsaSettings> settings;
    private final Clock clock;
    private final TsaTimeSource timeSource;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Serving> serving = new ConcurrentHashMap<>();
    private final Map<String, Map<TsaReply.Failure, LongAdder>> rejections = new ConcurrentHashMap<>();
    /** What {@link #auditRejections} has written of {@link #rejections} so far, and until when. */
    private final Map<String, Map<TsaReply.Failure, Long>> audited = new LinkedHashMap<>();
    private Instant auditedUntil;
    /** What the last CRL checks found for each TSA of an external CA, by TSA name; see {@link #checkExternalRevocations}. */
    private final Map<String, ExternalState> external = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> externalFailures = new ConcurrentHashMap<>();
    private final Object externalCheckLock = new Object();

    /**
     * How long after the nextUpdate of the last good CRL an external TSA goes on stamping, unchecked,
     * before that is logged as a WARN (it still stamps: see {@link #checkExternalRevocations}).
     */
    public static final Duration EXTERNAL_CRL_GRACE = Duration.ofHours(24);

    /**
     * One external TSA certificate's revocation state on this node: {@code refusal} not null once
     * a verified CRL listed it; the thisUpdate/nextUpdate of the last CRL accepted; the last failure
     * (to log each change once) and whether staleness was logged.
     */
    private record ExternalState(String serial, String refusal, Instant thisUpdate, Instant nextUpdate, Instant checkedAt,
            String failure, boolean staleWarned) {
    }

    /**
     * @param keys       the {@link KeyPurpose#TIMESTAMPING} keys
     * @param keyBackend the HSM backend's name, recorded with each TSA
     * @param settings   the configured TSAs
     */
    public TimeStampAuthorities(SigningKeys keys, String keyBackend, CertificateAuthorities cas, TsaStore store, List<TsaSettings> settings,
            Clock clock) {
        this(keys, keyBackend, cas, store, settings, clock, TsaTimeSource.SYSTEM);
    }

    /** @param timeSource whether the time may be given ({@link TsaTimeSource#SYSTEM}: the system clock as it is) */
    /** The TSAs of a node, stored in its {@code storage}: the wiring's way in, which keeps the store hidden. */
    public TimeStampAuthorities(SigningKeys keys, String keyBackend, CertificateAuthorities cas, Storage storage,
            List<TsaSettings> settings, Clock clock, TsaTimeSource timeSource) {
        this(keys, keyBackend, cas, new TsaStore(storage.database()), settings, clock, timeSource);
    }

    public TimeStampAuthorities(SigningKeys keys, String keyBackend, CertificateAuthorities cas, TsaStore store, List<TsaSettings> settings,
            Clock clock, TsaTimeSource timeSource) {
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
            Map<TsaReply.Failure, LongAdder> counts = new EnumMap<>(TsaReply.Failure.class);
            for (TsaReply.Failure f : TsaReply.Failure.values()) {
                counts.put(f, new LongAdder());
            }
            rejections.put(s.name(), counts);
            externalFailures.put(s.name(), new LongAdder());
            audited.put(s.name(), new EnumMap<>(TsaReply.Failure.class));
        }
        this.clock = clock;
        this.timeSource = timeSource;
        this.auditedUntil = clock.instant();
    }

    /**
     * Writes the rejections counted since the last call to the audit log: one {@code tsa.rejections}
     * entry per TSA and reason (failInfo) with its count and interval, none when nothing was
     * rejected. The hot path only increments the counters the TSA's page shows; this reads their
     * growth, so a flood of bad queries neither floods the audit log nor slows the replies. If the
     * write fails, the counts are written with the next interval's.
     */
    public synchronized void auditRejections() {
        Instant to = clock.instant();
        List<TsaRejections> out = new ArrayList<>();
        Map<String, Map<TsaReply.Failure, Long>> now = new LinkedHashMap<>();
        rejections.forEach((name, counts) -> {
            Map<TsaReply.Failure, Long> taken = new EnumMap<>(TsaReply.Failure.class);
            counts.forEach((f, n) -> {
                long total = n.sum();
                taken.put(f, total);
                long growth = total - audited.get(name).getOrDefault(f, 0L);
                if (growth > 0) {
                    out.add(new TsaRejections(name, f.rfcName(), growth, auditedUntil, to));
                }
            });
            now.put(name, taken);
        });
        out.sort(Comparator.comparing(TsaRejections::tsaName).thenComparing(TsaRejections::reason));
        guard(() -> {
            store.recordRejections(out);
            return null;
        });
        audited.putAll(now);
        auditedUntil = to;
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
        if (caId != null) {
            // Refusals that do not depend on the key (a root CA, a retired one) come before it is made.
            cas.checkMayIssueForKey(caId, PROFILE);
        }
        String label = newKeyLabel(s);
        ScopedSigner signer = generate(label, s);
        IssuedCertificate cert = null;
        try {
            TsaRecord record;
            if (caId != null) {
                cert = cas.issueForKey(caId, PROFILE, signer.publicKey(), s.subject(), actor);
                record = new TsaRecord(s.name(), caId, TsaRecord.ACTIVE, label, keyBackend, s.keyAlgorithm().name(),
                        cert.certificatePem(), cert.certificatePem() + cert.chainPem(), null, clock.instant(), 0, null);
            } else {
                record = new TsaRecord(s.name(), null, TsaRecord.PENDING, label, keyBackend, s.keyAlgorithm().name(), null, null,
                        csr(signer, s.subject()), clock.instant(), 0, null);
            }
            store.create(record, new AuditEvent(actor, "tsa.create", "tsa", s.name(), details(s, record)));
        } catch (AlreadyExistsException raced) {
            if (cert != null) {
                cas.revokeUnused(raced, caId, cert.serial(), "another node created TSA '" + s.name() + "' first", actor);
            }
            destroyQuietly(label);
        } catch (RuntimeException e) {
            if (cert != null) {
                cas.revokeUnused(e, caId, cert.serial(), "the TSA '" + s.name() + "' it was issued for was not stored", actor);
            }
            GeneratedKeys.discardAfter(e, keys, label);
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
        TsaStore.NextKey next = TsaRecord.ACTIVE.equals(r.status()) ? guard(() -> store.nextKey(name)).orElse(null) : null;
        if (!TsaRecord.PENDING.equals(r.status()) && next == null) {
            throw CaException.conflict("tsa-not-pending", "TSA '" + name + "' is " + r.status() + ", not waiting for a certificate");
        }
        String keyLabel = next != null ? next.keyLabel() : r.keyLabel();
        List<Certificate> certs = Certificates.parsePem(certificatePem);
        if (certs.size() != 1) {
            throw CaException.badRequest("certificate-count", "send exactly one TSA certificate");
        }
        Certificate cert = certs.get(0);
        ScopedSigner signer = keys.get(keyLabel);
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
        if (next != null) {
            // The second half of a re-key for an external CA: the new key takes over from here.
            TsaRecord updated = new TsaRecord(r.name(), null, TsaRecord.ACTIVE, next.keyLabel(), r.keyBackend(), r.keyAlgorithm(),
                    pem, Certificates.pem(chain), next.csrPem(), r.created(), r.tokensIssued(), r.lastGenTime());
            guard(() -> {
                store.rekey(updated, r.keyLabel(), replaced(r), new AuditEvent(actor, "tsa.rekey", "tsa", name,
                        rekeyDetails(r, updated, serialHex(pem))));
                return null;
            });
            refresh(name);
            destroyReplaced(name, r.keyLabel(), actor);
            return get(name);
        }
        TsaRecord updated = new TsaRecord(r.name(), null, TsaRecord.ACTIVE, r.keyLabel(), r.keyBackend(), r.keyAlgorithm(),
                pem, Certificates.pem(chain), r.csrPem(), r.created(), r.tokensIssued(), r.lastGenTime());
        guard(() -> {
            store.update(updated, new AuditEvent(actor, "tsa.certificate.import", "tsa", name, details(s, updated)));
            return null;
        });
        refresh(name);
        return get(name);
    }

    /**
     * Re-keys TSA {@code name}: a new TIMESTAMPING key in the HSM and, for a TSA a Signet CA
     * certified, a new certificate from the same CA under the {@value #PROFILE} profile, in use from
     * the commit on; the certificate it replaces goes to the TSA's history and its key is destroyed.
     * For a TSA an external CA certified, the new key's CSR is returned in {@code nextCsrPem} and the
     * current key stamps on until the CA's certificate for it is {@link #importCertificate imported}.
     * The TSA keeps its name, URL, policy and counters. Audited ({@code tsa.rekey}, or
     * {@code tsa.rekey.request} for the CSR) in the change's transaction.
     *
     * @throws CaException NOT_FOUND for an unknown TSA; CONFLICT if it is not active, its CA may not
     *     issue (retired, revoked), or another admin or node re-keyed it meanwhile
     */
    public TsaInfo rekey(String name, String actor) {
        TsaSettings s = settingsOf(name);
        TsaRecord r = guard(() -> store.find(name)).orElseThrow(() -> notFound(name));
        if (!TsaRecord.ACTIVE.equals(r.status())) {
            throw CaException.conflict("tsa-not-active", "TSA '" + name + "' is " + r.status() + "; only an active TSA is re-keyed");
        }
        if (r.caId() != null) {
            cas.checkMayIssueForKey(r.caId(), PROFILE); // before the key is made, as for a new TSA
        }
        String label = newKeyLabel(s);
        ScopedSigner signer = generate(label, s);
        IssuedCertificate cert = null;
        try {
            if (r.caId() != null) {
                cert = cas.issueForKey(r.caId(), PROFILE, signer.publicKey(), s.subject(), actor);
                TsaRecord updated = new TsaRecord(name, r.caId(), TsaRecord.ACTIVE, label, keyBackend, s.keyAlgorithm().name(),
                        cert.certificatePem(), cert.certificatePem() + cert.chainPem(), null, r.created(), r.tokensIssued(),
                        r.lastGenTime());
                store.rekey(updated, r.keyLabel(), replaced(r),
                        new AuditEvent(actor, "tsa.rekey", "tsa", name, rekeyDetails(r, updated, cert.serial())));
            } else {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("keyLabel", r.keyLabel());
                d.put("nextKeyLabel", label);
                store.setNextKey(name, r.keyLabel(), new TsaStore.NextKey(label, csr(signer, s.subject())),
                        new AuditEvent(actor, "tsa.rekey.request", "tsa", name, dev.signet.ca.audit.CanonicalJson.write(d)))
                        .ifPresent(this::destroyQuietly); // an earlier request's key, never used
            }
        } catch (RuntimeException e) {
            if (cert != null) {
                // Another node's re-key won the race, or the store failed: this certificate is no TSA's.
                cas.revokeUnused(e, r.caId(), cert.serial(), "the re-key of TSA '" + name + "' it was issued for was not stored",
                        actor);
            }
            GeneratedKeys.discardAfter(e, keys, label);
            throw e instanceof StoreException se ? Failures.of(se) : e;
        }
        if (r.caId() != null) {
            refresh(name);
            destroyReplaced(name, r.keyLabel(), actor);
        }
        return get(name);
    }

    /**
     * Retires TSA {@code name}: from the commit on it stamps nothing more (every query gets a
     * rejection saying so, here at once and on other nodes within a change poll); its record,
     * counters, tokens and certificates stay, and its key is destroyed. Audited ({@code tsa.retire}).
     * Not undone: a new TSA takes a new name.
     *
     * @throws CaException NOT_FOUND for an unknown TSA, CONFLICT if it is retired already
     */
    public TsaInfo retire(String name, String actor) {
        TsaSettings s = settingsOf(name);
        TsaRecord r = guard(() -> store.find(name)).orElseThrow(() -> notFound(name));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("policy", s.policyOid());
        d.put("keyLabel", r.keyLabel());
        d.put("tokensIssued", r.tokensIssued());
        List<String> unused = guard(() -> store.retire(name, new AuditEvent(actor, "tsa.retire", "tsa", name,
                dev.signet.ca.audit.CanonicalJson.write(d))));
        refresh(name);
        for (String label : unused) {
            destroyReplaced(name, label, actor);
        }
        return get(name);
    }

    /**
     * Re-keys every active TSA that a Signet CA certified and whose certificate has a third of its
     * lifetime left or less (as the OCSP responders roll over), so that it never stops for an expired
     * certificate. A TSA certified by an external CA is only logged: its CA must sign a new CSR.
     * Returns the names re-keyed. Another node doing the same at once loses the race harmlessly.
     */
    public List<String> rollOverDue(String actor) {
        List<String> done = new ArrayList<>();
        Instant now = clock.instant();
        for (TsaRecord r : guard(store::list)) {
            if (!settings.containsKey(r.name()) || !TsaRecord.ACTIVE.equals(r.status()) || r.certificatePem() == null) {
                continue;
            }
            Certificate c = Certificates.parsePem(r.certificatePem()).get(0);
            Instant notBefore = c.getStartDate().getDate().toInstant();
            Instant notAfter = c.getEndDate().getDate().toInstant();
            if (Duration.between(now, notAfter).compareTo(Duration.between(notBefore, notAfter).dividedBy(3)) > 0) {
                continue;
            }
            if (r.caId() == null) {
                LOG.warn("the certificate of TSA '{}' expires at {}; re-key it and have its external CA sign the CSR", r.name(), notAfter);
                continue;
            }
            try {
                rekey(r.name(), actor);
                done.add(r.name());
                LOG.info("TSA '{}' re-keyed: its certificate had a third of its lifetime left (expires {})", r.name(), notAfter);
            } catch (RuntimeException e) {
                LOG.warn("TSA '{}' could not be re-keyed before its certificate expires at {}: {}", r.name(), notAfter, e.toString());
            }
        }
        return done;
    }

    /** {@link #checkExternalRevocations(ExternalCrlCheck.Fetcher)} over plain http ({@link ExternalCrlCheck#http}). */
    public void checkExternalRevocations() {
        checkExternalRevocations(ExternalCrlCheck.http());
    }

    /**
     * Follows the revocation of each active TSA certificate an external CA issued: fetches the CRL
     * its CRL Distribution Points name and, once a CRL verified with the issuer certificate of the
     * imported chain lists its serial (any reason, certificateHold included), the TSA refuses every
     * query ({@code systemFailure}, naming the CRL), as one whose Signet CA revoked it; a later
     * verified CRL that no longer lists it (a hold released) lets it stamp again. Each change is
     * logged and audited once on this node ({@code tsa.external.revoked} / {@code
     * tsa.external.unrevoked}). The state is kept in memory only: a restarted node knows it after
     * its first check, which the node runs at start.
     *
     * <p>A CRL that cannot be fetched or verified changes nothing, so an unreachable or misbehaving
     * external CA does not stop the TSA (availability over a revocation not proven): each new
     * failure is logged as a WARN and counted ({@link #externalRevocationFailures}); once the last
     * good CRL's nextUpdate is more than {@link #EXTERNAL_CRL_GRACE} past, that too is logged as a
     * WARN, once, and the TSA still stamps.
     */
    public void checkExternalRevocations(ExternalCrlCheck.Fetcher fetcher) {
        // A lock of its own: a check waits on the network, and tokens and refreshes must not wait on it.
        synchronized (externalCheckLock) {
            for (TsaSettings s : settings.values()) {
                if (!s.externalCa()) {
                    continue;
                }
                try {
                    checkExternal(s, fetcher);
                } catch (RuntimeException e) {
                    externalFailures.get(s.name()).increment();
                    LOG.warn("TSA '{}': the revocation check of its external CA's certificate failed: {}", s.name(), e.toString());
                }
            }
        }
    }

    /** When a CRL last verified for TSA {@code name} (external CA), if one has on this node. */
    public Optional<Instant> externalRevocationCheckedAt(String name) {
        settingsOf(name);
        ExternalState st = external.get(name);
        return Optional.ofNullable(st == null ? null : st.checkedAt());
    }

    /** How many revocation checks of TSA {@code name} (external CA) failed on this node. */
    public long externalRevocationFailures(String name) {
        settingsOf(name);
        return externalFailures.get(name).sum();
    }

    private void checkExternal(TsaSettings s, ExternalCrlCheck.Fetcher fetcher) {
        TsaRecord r = guard(() -> store.find(s.name())).orElse(null);
        if (r == null || !TsaRecord.ACTIVE.equals(r.status()) || r.caId() != null || r.certificatePem() == null) {
            return;
        }
        X509CertificateHolder cert = new X509CertificateHolder(Certificates.parsePem(r.certificatePem()).get(0));
        String serial = serialHex(r.certificatePem());
        ExternalState previous = external.get(s.name());
        if (previous != null && !previous.serial().equals(serial)) {
            previous = null; // re-keyed: the new certificate starts unchecked
        }
        Instant now = clock.instant();
        X509CertificateHolder issuer = issuerOf(cert, r.chainPem());
        ExternalCrlCheck.Result result = null;
        if (issuer == null) {
            result = new ExternalCrlCheck.Result(null, false, null, null, null,
                    "the imported chain has no certificate that issued this TSA's (issuer " + cert.getIssuer() + ")");
        } else {
            List<String> urls = ExternalCrlCheck.crlUrls(cert);
            if (urls.isEmpty()) {
                result = new ExternalCrlCheck.Result(null, false, null, null, null,
                        "this TSA's certificate names no http CRL distribution point");
            }
            for (String url : urls) {
                result = ExternalCrlCheck.check(url, cert, issuer, now, previous == null ? null : previous.thisUpdate(), fetcher);
                if (result.ok()) {
                    break;
                }
            }
        }
        String oldRefusal = previous == null ? null : previous.refusal();
        ExternalState next;
        if (!result.ok()) {
            externalFailures.get(s.name()).increment();
            if (previous == null || !result.failure().equals(previous.failure())) {
                LOG.warn("TSA '{}': the revocation of its certificate (serial {}) by its external CA could not be checked, it goes on"
                        + " as it was ({}): {}", s.name(), serial, oldRefusal == null ? "stamping" : "refusing", result.failure());
            }
            next = previous == null ? new ExternalState(serial, null, null, null, null, result.failure(), false)
                    : new ExternalState(serial, oldRefusal, previous.thisUpdate(), previous.nextUpdate(), previous.checkedAt(),
                            result.failure(), previous.staleWarned());
        } else {
            if (previous != null && previous.failure() != null) {
                LOG.info("TSA '{}': the CRL of its external CA ({}) verifies again", s.name(), result.url());
            }
            String refusal = result.revoked() ? "this TSA's certificate (serial " + serial + ") is revoked by its external CA"
                    + " (reason " + result.revocationReason() + ", CRL " + result.url() + " of " + result.thisUpdate()
                    + "); it gives no time-stamps" : null;
            boolean sameNextUpdate = previous != null && java.util.Objects.equals(previous.nextUpdate(), result.nextUpdate());
            next = new ExternalState(serial, refusal, result.thisUpdate(), result.nextUpdate(), now, null,
                    sameNextUpdate && previous.staleWarned());
        }
        if (!next.staleWarned() && next.nextUpdate() != null && now.isAfter(next.nextUpdate().plus(EXTERNAL_CRL_GRACE))) {
            LOG.warn("TSA '{}': the last CRL of its external CA that verified is past its nextUpdate ({}) by more than {};"
                    + " the TSA goes on stamping", s.name(), next.nextUpdate(), EXTERNAL_CRL_GRACE);
            next = new ExternalState(next.serial(), next.refusal(), next.thisUpdate(), next.nextUpdate(), next.checkedAt(),
                    next.failure(), true);
        }
        external.put(s.name(), next);
        if (!java.util.Objects.equals(oldRefusal, next.refusal())) {
            if (next.refusal() != null) {
                LOG.warn("TSA '{}' stops stamping: {}", s.name(), next.refusal());
            } else {
                LOG.info("TSA '{}' stamps again: its external CA's CRL ({}) no longer lists its certificate (serial {})", s.name(),
                        result.url(), serial);
            }
            refresh(s.name());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("serial", serial);
            d.put("crl", result.url());
            d.put("thisUpdate", result.thisUpdate().toString());
            if (result.revoked()) {
                d.put("reason", result.revocationReason());
            }
            try {
                store.audit(AuditEvent.of("signet", next.refusal() != null ? "tsa.external.revoked" : "tsa.external.unrevoked", "tsa",
                        s.name(), d));
            } catch (RuntimeException e) {
                LOG.warn("TSA '{}': the change of its external revocation state was not audited: {}", s.name(), e.toString());
            }
        }
    }

    /** The certificate of {@code chainPem} that issued {@code cert} (its subject, and its key verifies the signature), or null. */
    private static X509CertificateHolder issuerOf(X509CertificateHolder cert, String chainPem) {
        for (Certificate c : Certificates.parsePem(chainPem)) {
            X509CertificateHolder candidate = new X509CertificateHolder(c);
            if (!candidate.getSubject().equals(cert.getIssuer()) || candidate.equals(cert)) {
                continue;
            }
            try {
                if (cert.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(candidate))) {
                    return candidate;
                }
            } catch (Exception e) {
                // not this one
            }
        }
        return null;
    }

    /**
     * Re-reads every TSA's state from the store: run after anything that can change whether or with
     * what it stamps (a TSA, CA or revocation change, here or on another node). A TSA whose state
     * cannot be read keeps the state it had, and the failure is logged.
     */
    public void refresh() {
        for (String name : settings.keySet()) {
            refresh(name);
        }
    }

    private synchronized void refresh(String name) {
        TsaSettings s = settings.get(name);
        try {
            serving.put(name, load(s, serving.get(name)));
        } catch (RuntimeException e) {
            LOG.warn("the state of TSA '{}' could not be re-read; it stays as it was: {}", name, e.toString());
        }
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
        Serving serving = serving(s);
        TsaReply refused = refusal(serving);
        if (refused != null) {
            return CompletableFuture.completedFuture(count(name, refused));
        }
        return serving.stamper().respond(query, requester).thenApply(r -> count(name, r));
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
            Serving serving = serving(s);
            TsaReply reply = refusal(serving);
            if (reply == null) {
                reply = serving.stamper().respond(request, requester).join();
            }
            count(name, reply);
            if (!reply.granted()) {
                // A TSA that is retired, revoked or under a retired CA will not come back by waiting: a conflict, not a 503.
                CaException.Kind kind = reply.failure() == TsaReply.Failure.BAD_DATA_FORMAT
                        || reply.failure() == TsaReply.Failure.BAD_ALG ? CaException.Kind.BAD_REQUEST
                        : serving.refusal() != null && !NO_CERTIFICATE.equals(serving.refusal()) ? CaException.Kind.CONFLICT
                        : CaException.Kind.UNAVAILABLE;
                throw new CaException(kind, "tsa-" + reply.failure().rfcName(), reply.statusText());
            }
            return new TimeStamp(reply.tokenDer(), serving.chainDer(), reply.serialHex(), reply.genTime());
        };
    }

    private TsaReply count(String name, TsaReply reply) {
        if (!reply.granted()) {
            rejections.get(name).get(reply.failure()).increment();
        }
        return reply;
    }

    /** Why {@code serving} gives no token now, as the rejection to send, or null when it stamps. */
    private TsaReply refusal(Serving serving) {
        if (serving.refusal() != null) {
            return TimeStamper.reject(TsaReply.Failure.SYSTEM_FAILURE, serving.refusal());
        }
        String noTime = timeSource.unavailable();
        return noTime == null ? null : TimeStamper.reject(TsaReply.Failure.TIME_NOT_AVAILABLE, noTime);
    }

    /** The TSA's state on this node, read from its stored record on first use. */
    private Serving serving(TsaSettings s) {
        Serving cached = serving.get(s.name());
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            cached = serving.get(s.name());
            if (cached == null) {
                cached = load(s, null);
                serving.put(s.name(), cached);
            }
            return cached;
        }
    }

    /**
     * The TSA's state from its stored record: the stamper of {@code previous} is kept while the key
     * and certificate are the same (so is its last genTime); a new one starts from the later of the
     * stored last genTime and the one {@code previous} handed out.
     */
    private Serving load(TsaSettings s, Serving previous) {
        TsaRecord r = guard(() -> store.find(s.name())).orElse(null);
        if (r == null || !TsaRecord.ACTIVE.equals(r.status())) {
            return new Serving(null, null, null, List.of(), refusalOf(s, r));
        }
        String refusal = refusalOf(s, r);
        if (previous != null && previous.stamper() != null && r.keyLabel().equals(previous.keyLabel())
                && r.certificatePem().equals(previous.certificatePem())) {
            return new Serving(previous.stamper(), r.keyLabel(), r.certificatePem(), previous.chainDer(), refusal);
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
        Instant last = r.lastGenTime();
        Instant handedOut = previous == null || previous.stamper() == null ? null : previous.stamper().lastGenTime();
        if (handedOut != null && (last == null || handedOut.isAfter(last))) {
            last = handedOut;
        }
        TimeStamper stamper = new TimeStamper(s, signer, chain, store, clock, last);
        return new Serving(stamper, r.keyLabel(), r.certificatePem(), chainDer(r.chainPem()), refusal);
    }

    /**
     * Why the TSA of record {@code r} may not stamp, or null: retired, no certificate yet, its
     * certificate revoked (on hold included) or its issuing Signet CA retired (its own certificate
     * revoked, say). A certificate outside its validity is refused per token by the stamper.
     */
    private String refusalOf(TsaSettings s, TsaRecord r) {
        if (r == null || TsaRecord.PENDING.equals(r.status())) {
            return NO_CERTIFICATE;
        }
        if (TsaRecord.RETIRED.equals(r.status())) {
            return "TSA '" + s.name() + "' is retired and gives no more time-stamps";
        }
        if (r.caId() == null) {
            ExternalState st = external.get(s.name());
            return st != null && st.refusal() != null && st.serial().equals(serialHex(r.certificatePem())) ? st.refusal() : null;
        }
        CaInfo ca = cas.get(r.caId());
        if (!dev.signet.ca.store.CaRecord.ACTIVE.equals(ca.status())) {
            return "the CA that certified this TSA ('" + r.caId() + "') is " + ca.status() + "; this TSA gives no more time-stamps";
        }
        String serial = serialHex(r.certificatePem());
        if (cas.find(r.caId(), serial).map(c -> "revoked".equals(c.status())).orElse(false)) {
            return "this TSA's certificate (serial " + serial + ") is revoked; it gives no time-stamps";
        }
        return null;
    }

    private static String serialHex(String certificatePem) {
        return Certificates.parsePem(certificatePem).get(0).getSerialNumber().getValue().toString(16);
    }

    private TsaCertificateRecord replaced(TsaRecord r) {
        return new TsaCertificateRecord(r.name(), r.keyLabel(), r.caId(), r.certificatePem(), r.chainPem(), clock.instant(),
                TsaCertificateRecord.DESTROYING);
    }

    private static String rekeyDetails(TsaRecord old, TsaRecord updated, String serial) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("caId", updated.caId());
        d.put("keyLabel", updated.keyLabel());
        d.put("previousKeyLabel", old.keyLabel());
        d.put("previousSerial", serialHex(old.certificatePem()));
        d.put("serial", serial);
        return dev.signet.ca.audit.CanonicalJson.write(d);
    }

    /**
     * Destroys a key the TSA no longer uses, after the change that stopped its use committed, and
     * notes it (audited {@code tsa.key.destroy}). Should the HSM fail, the key stays (its history
     * row says {@code destroying}) and the failure is logged: the change itself stands.
     */
    private void destroyReplaced(String name, String label, String actor) {
        try {
            keys.destroy(label);
            store.keyDestroyed(name, label, new AuditEvent(actor, "tsa.key.destroy", "tsa", name,
                    dev.signet.ca.audit.CanonicalJson.write(Map.of("keyLabel", label))));
        } catch (RuntimeException e) {
            LOG.warn("TSA '{}': the key {} it no longer uses could not be destroyed and stays in the HSM: {}", name, label, e.toString());
        }
    }

    /** A random suffix: nodes sharing one HSM may race to create or re-key the same TSA. */
    private String newKeyLabel(TsaSettings s) {
        return "tsa-" + s.name() + "-" + HexFormat.of().formatHex(randomBytes(4));
    }

    private ScopedSigner generate(String label, TsaSettings s) {
        try {
            return keys.generate(label, s.keyAlgorithm());
        } catch (HsmException e) {
            throw Failures.of(e);
        }
    }

    private TsaInfo info(TsaSettings s, TsaRecord r) {
        Map<String, Long> counts = new TreeMap<>();
        rejections.get(s.name()).forEach((f, n) -> counts.put(f.rfcName(), n.sum()));
        String refusal = refusalOf(s, r);
        if (refusal == null) {
            refusal = timeSource.unavailable();
        }
        List<TsaInfo.PreviousCertificate> previous = new ArrayList<>();
        for (TsaCertificateRecord c : guard(() -> store.previousCertificates(s.name()))) {
            Certificate cert = Certificates.parsePem(c.certificatePem()).get(0);
            previous.add(new TsaInfo.PreviousCertificate(cert.getSerialNumber().getValue().toString(16), c.caId(),
                    cert.getStartDate().getDate().toInstant(), cert.getEndDate().getDate().toInstant(), c.replacedAt(),
                    c.keyState(), c.certificatePem(), c.chainPem()));
        }
        String nextCsr = guard(() -> store.nextKey(s.name())).map(TsaStore.NextKey::csrPem).orElse(null);
        Instant retiredAt = guard(() -> store.retiredAt(s.name())).orElse(null);
        return new TsaInfo(s.name(), s.path(), r.status(), s.policyOid(), s.accuracy().toMillis(), s.acceptSha1(), r.caId(),
                r.keyAlgorithm(), s.subject(), r.certificatePem(), r.chainPem(), r.csrPem(), r.tokensIssued(), r.lastGenTime(),
                counts, refusal, retiredAt, nextCsr, previous);
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
