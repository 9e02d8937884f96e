package dev.signet.ca;

import dev.signet.ca.issue.CaFactory;
import dev.signet.ca.issue.CaRegistry;
import dev.signet.ca.issue.CertificateIssuer;
import dev.signet.ca.issue.Certificates;
import dev.signet.ca.issue.CheckedRequest;
import dev.signet.ca.issue.Failures;
import dev.signet.ca.issue.GeneratedKeys;
import dev.signet.ca.issue.RequestChecker;
import dev.signet.ca.issue.UnusedCertificates;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The CA, as the web layer and the command line use it: CAs (list, create root, subordinate or
 * with an outside parent, retire), certificates from CSRs, signer identities with keys generated in
 * the HSM, and lookups. Every failure is a {@link CaException} whose kind maps to an HTTP status.
 * Thread-safe.
 *
 * <p>It never sees the HSM: the wiring code hands it the {@link KeyPurpose#CA} keys and the
 * {@link KeyPurpose#DOCUMENT} keys, and each CA signs through its own {@link ScopedSigner}
 * ({@link #issuer}).
 */
public final class CertificateAuthorities {

    /** The profile subordinate CAs get when none is named. */
    public static final String DEFAULT_SUB_CA_PROFILE = "sub-ca";

    private final SigningKeys documentKeys;
    private final CaStore cas;
    private final CertificateStore certificates;
    /** Replaced as a whole when an operator reloads the profile directory. */
    private volatile Profiles profiles;
    private final Clock clock;
    private final CaRegistry registry;
    private final CaFactory factory;
    private final UnusedCertificates unused;
    private final Consumer<IssuedCertificate> onIssued;

    /**
     * @param caKeys the {@link KeyPurpose#CA} keys
     * @param documentKeys the {@link KeyPurpose#DOCUMENT} keys (signer identities)
     */
    public CertificateAuthorities(SigningKeys caKeys, SigningKeys documentKeys, CaStore cas, CertificateStore certificates,
            Profiles profiles, Clock clock) {
        this(caKeys, documentKeys, cas, certificates, profiles, clock, issued -> { });
    }

    /**
     * As above, telling {@code onIssued} of every end-entity certificate once it is stored, whichever
     * way it was asked for (API, UI, command line, signer identity, renewal): the one place to count
     * issuance.
     */
    public CertificateAuthorities(SigningKeys caKeys, SigningKeys documentKeys, CaStore cas, CertificateStore certificates,
            Profiles profiles, Clock clock, Consumer<IssuedCertificate> onIssued) {
        this.onIssued = java.util.Objects.requireNonNull(onIssued, "onIssued");
        if (caKeys.purpose() != KeyPurpose.CA || documentKeys.purpose() != KeyPurpose.DOCUMENT) {
            throw new IllegalArgumentException("the CA needs the CA keys and the DOCUMENT keys, got "
                    + caKeys.purpose() + " and " + documentKeys.purpose());
        }
        this.documentKeys = documentKeys;
        this.cas = cas;
        this.certificates = certificates;
        this.profiles = profiles;
        this.clock = clock;
        SecureRandom random = new SecureRandom();
        Linter linter = Linter.standard();
        this.registry = new CaRegistry(caKeys, cas, certificates, linter, clock, random);
        this.factory = new CaFactory(caKeys, cas, certificates, certificates.revocationStore(), registry, linter, clock, random);
        this.unused = new UnusedCertificates(certificates.revocationStore());
    }

    /**
     * As above, over the CAs and certificates of {@code storage}.
     *
     * @param caKeys the {@link KeyPurpose#CA} keys
     * @param documentKeys the {@link KeyPurpose#DOCUMENT} keys (signer identities)
     */
    public CertificateAuthorities(SigningKeys caKeys, SigningKeys documentKeys, Storage storage, Profiles profiles, Clock clock,
            Consumer<IssuedCertificate> onIssued) {
        this(caKeys, documentKeys, new CaStore(storage.database()), new CertificateStore(storage.database()), profiles, clock,
                onIssued);
    }

    /**
     * The issuer of an active CA: prepare -> issue, and {@link CertificateIssuer#signer()} (the CA's
     * key, purpose CA) for what else the CA signs (CRLs, its OCSP responses).
     *
     * @throws CaException NOT_FOUND, or CONFLICT if the CA is not active
     */
    public CertificateIssuer issuer(String caId) {
        return registry.issuer(caId);
    }

    public List<CaInfo> list() {
        List<CaInfo> out = new ArrayList<>();
        for (CaRecord r : guard(cas::list)) {
            out.add(CaInfo.of(r));
        }
        return out;
    }

    /** The CA that owns each HSM key, by key label (to name the owner of a key in the key list). */
    public Map<String, String> caIdsByKeyLabel() {
        Map<String, String> out = new HashMap<>();
        for (CaRecord r : cas.list()) {
            out.put(r.keyLabel(), r.id());
        }
        return out;
    }

    public CaInfo get(String caId) {
        return CaInfo.of(guard(() -> registry.record(caId)));
    }

    /** The profiles in use, ordered by name. */
    public List<ProfileInfo> profiles() {
        return profiles.infos();
    }

    /**
     * Uses {@code next} from now on (the operator reloaded the profile directory). A request already
     * being issued finishes under the profile it started with.
     */
    public void useProfiles(Profiles next) {
        this.profiles = java.util.Objects.requireNonNull(next, "profiles");
    }

    /**
     * Drops the issuers built from the CA records, so the next issuance reads them again (a CA
     * changed on another node). The store refuses a retired CA's issuance anyway; this keeps what
     * the node shows and builds in step with the database.
     */
    public void forgetIssuers() {
        registry.forgetAll();
    }

    public CaInfo createRoot(NewCa spec, String actor) {
        return CaInfo.of(factory.createRoot(spec, profile(DEFAULT_SUB_CA_PROFILE), actor));
    }

    /**
     * Removes a root left pending by a creation that did not finish (its record, its certificate
     * rows and its key); see {@link CaFactory#discardUnfinishedRoot}. Only for a pending CA known to
     * be such a root: a CA waiting for an outside parent looks the same in its record.
     */
    public void discardUnfinishedRoot(String caId, String actor) {
        factory.discardUnfinishedRoot(caId, actor);
    }

    /** A subordinate of {@code parentId}; {@code profileName} null means {@value #DEFAULT_SUB_CA_PROFILE}. */
    public CaInfo createSubordinate(String parentId, NewCa spec, String profileName, String actor) {
        Profile p = profile(profileName == null ? DEFAULT_SUB_CA_PROFILE : profileName);
        return CaInfo.of(factory.createSubordinate(parentId, spec, p, actor));
    }

    public ExternalCaRequest createWithExternalParent(NewCa spec, String actor) {
        Map.Entry<CaRecord, String> created = factory.createWithExternalParent(spec, profile(DEFAULT_SUB_CA_PROFILE), actor);
        return new ExternalCaRequest(CaInfo.of(created.getKey()), created.getValue());
    }

    public CaInfo importExternalCertificate(String caId, String certificatePem, String chainPem, String actor) {
        return CaInfo.of(factory.importCertificate(caId, certificatePem, chainPem, actor));
    }

    public CaInfo retire(String caId, String actor) {
        return CaInfo.of(factory.retire(caId, actor));
    }

    /** Issues a certificate for a PKCS#10 CSR (PEM or DER) under {@code profileName}; returns it once stored. */
    public IssuedCertificate issue(String caId, String profileName, byte[] csr, String requester) {
        return issue(caId, profileName, csr, null, requester);
    }

    /**
     * As {@link #issue(String, String, byte[], String)}, valid for {@code validity} (within the
     * profile's maximum; null: the maximum).
     */
    public IssuedCertificate issue(String caId, String profileName, byte[] csr, Duration validity, String requester) {
        Profile profile = leafProfile(profileName);
        CertificateIssuer issuer = registry.issuer(caId);
        CheckedRequest request = RequestChecker.fromCsr(csr, profile, requester).withValidity(validity);
        CertificateRecord record = issuer.issue(issuer.prepare(request));
        return announce(issued(record, issuer.ca().chain()));
    }

    /**
     * Renews the certificate {@code caId}/{@code serialHex}: a new certificate (new serial, new
     * validity) with the same subject and SANs under the same profile, checked against that profile
     * as it is now. With {@code newCsr} the new certificate is for the CSR's key (the CSR's names
     * are ignored); without, for the same key. A revoked certificate is not renewed.
     */
    public IssuedCertificate renew(String caId, String serialHex, byte[] newCsr, Duration validity, String requester) {
        IssuedCertificate previous = find(caId, serialHex)
                .orElseThrow(() -> CaException.notFound("certificate-unknown",
                        "CA '" + caId + "' issued no certificate with serial '" + serialHex + "'"));
        if ("revoked".equals(previous.status())) {
            throw CaException.conflict("certificate-revoked", "certificate " + previous.serial()
                    + " is revoked; a revoked certificate is not renewed (issue a new one from a new CSR)");
        }
        Profile profile = leafProfile(previous.profile());
        CertificateIssuer issuer = registry.issuer(caId);
        Certificate old = Certificates.parsePem(previous.certificatePem()).get(0);
        CheckedRequest request = RequestChecker.forRenewal(old, newCsr, profile, requester).withValidity(validity);
        CertificateRecord record = issuer.issue(issuer.prepare(request));
        return announce(issued(record, issuer.ca().chain()));
    }

    /**
     * {@link #issue} for callers that keep many requests in flight: the checks, the TBS and lint run
     * in the calling thread, the signature on {@code signing} once the serial's reservation is
     * durable, and the future completes once the certificate is stored. Concurrent issuances share
     * the store's commits, which is what makes issuance fast on a disk where each fsync costs
     * milliseconds. Request errors are thrown at once; store and HSM errors complete the future.
     */
    public CompletableFuture<IssuedCertificate> issueAsync(String caId, String profileName, byte[] csr, String requester,
            Executor signing) {
        Profile profile = leafProfile(profileName);
        CertificateIssuer issuer = registry.issuer(caId);
        CheckedRequest request = RequestChecker.fromCsr(csr, profile, requester);
        // Continue on the caller's executor: a plain thenApply would encode the PEMs on the store's writer thread,
        // which every issuance shares.
        return issuer.issueAsync(issuer.prepare(request), signing)
                .thenApplyAsync(record -> announce(issued(record, issuer.ca().chain())), signing);
    }

    /**
     * Generates a signing key inside the HSM and issues its certificate in one step. The identity's id
     * is {@code {caId}.{serial}}; its key label {@code identity-{caId}-{serial}}. If issuance fails the
     * key is destroyed.
     */
    public SignerIdentity createSignerIdentity(String caId, String profileName, String subjectDn, KeyAlgorithm algorithm,
            String requester) {
        Profile profile = profile(profileName);
        if (profile.ca()) {
            throw CaException.badRequest("profile-is-ca", "a signer identity cannot have a CA profile");
        }
        if (algorithm == null || algorithm.isSymmetric()) {
            throw CaException.badRequest("key-algorithm-invalid", "a signer identity needs a signing key algorithm");
        }
        X500Name subject;
        try {
            subject = new X500Name(subjectDn == null ? "" : subjectDn);
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("subject-malformed", "not a distinguished name: '" + subjectDn + "'");
        }
        CertificateIssuer issuer = registry.issuer(caId);
        BigInteger serial = issuer.newSerial();
        String serialHex = serial.toString(16);
        ScopedSigner key;
        try {
            key = documentKeys.generate(identityKeyLabel(caId, serialHex), algorithm);
        } catch (HsmException e) {
            throw Failures.of(e);
        }
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
            CheckedRequest request = RequestChecker.forServerKey(spki, subject, List.of(), profile, requester);
            CertificateRecord record = issuer.issue(issuer.prepare(request, serial));
            return new SignerIdentity(caId + "." + serialHex, key, announce(issued(record, issuer.ca().chain())));
        } catch (RuntimeException e) {
            GeneratedKeys.discardAfter(e, documentKeys, key.keyLabel());
            throw e instanceof HsmException he ? Failures.of(he) : e;
        }
    }

    /**
     * Issues a certificate under {@code profileName} for a key held in the HSM (a TSA's, say): no CSR,
     * since the key never left the boundary; the same checks, lint and prepare/issue path as any other.
     */
    public IssuedCertificate issueForKey(String caId, String profileName, java.security.PublicKey publicKey, String subjectDn,
            String requester) {
        Profile profile = profile(profileName);
        if (profile.ca()) {
            throw CaException.badRequest("profile-is-ca", "CA certificates are made with createSubordinate");
        }
        X500Name subject;
        try {
            subject = new X500Name(subjectDn == null ? "" : subjectDn);
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("subject-malformed", "not a distinguished name: '" + subjectDn + "'");
        }
        CertificateIssuer issuer = registry.issuer(caId);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        CheckedRequest request = RequestChecker.forServerKey(spki, subject, List.of(), profile, requester);
        CertificateRecord record = issuer.issue(issuer.prepare(request));
        return announce(issued(record, issuer.ca().chain()));
    }

    /**
     * After {@code failure}, revokes (cessationOfOperation, audited with {@code why}) a certificate
     * that {@link #issueForKey} made for a key then never put to use: its TSA or responder record
     * failed to be stored or lost a race. Nothing if the failed write got no answer (the record may
     * be there after all); never throws.
     */
    public void revokeUnused(Throwable failure, String caId, String serialHex, String why, String actor) {
        unused.revokeAfter(failure, caId, serialHex, why, actor);
    }

    /**
     * Refuses what {@link #issueForKey} would refuse whatever the key: an unknown or CA profile, a CA
     * that cannot issue (unknown, not active, revoked: read from the store, as another node may have
     * retired it), a root and an end-entity profile it may not issue. Callers run it before they
     * generate the key, so a refusal leaves nothing in the HSM and costs no key generation.
     */
    public void checkMayIssueForKey(String caId, String profileName) {
        Profile profile = profile(profileName);
        if (profile.ca()) {
            throw CaException.badRequest("profile-is-ca", "CA certificates are made with createSubordinate");
        }
        guard(() -> {
            registry.checkActive(caId);
            return null;
        });
        registry.issuer(caId).checkMayIssue(profile);
    }

    /** Every signer identity whose key the HSM holds, newest certificate first. */
    public List<SignerIdentity> listSignerIdentities() {
        List<SignerIdentity> out = new ArrayList<>();
        for (dev.signet.hsm.KeyInfo k : guardHsm(documentKeys::list)) {
            String label = k.label();
            int dash = label.lastIndexOf('-');
            if (!label.startsWith("identity-") || dash <= "identity-".length()) {
                continue;
            }
            String id = label.substring("identity-".length(), dash) + "." + label.substring(dash + 1);
            try {
                out.add(findSignerIdentity(id));
            } catch (CaException e) {
                if (e.kind() != CaException.Kind.NOT_FOUND) {
                    throw e;
                }
                // a key whose CA or certificate is gone is not an identity anyone can use
            }
        }
        out.sort((a, b) -> b.certificate().notBefore().compareTo(a.certificate().notBefore()));
        return out;
    }

    /** The identity {@code {caId}.{serial}}: its key handle and certificate. */
    public SignerIdentity findSignerIdentity(String id) {
        int dot = id == null ? -1 : id.lastIndexOf('.');
        if (dot <= 0) {
            throw CaException.notFound("identity-unknown", "no signer identity '" + id + "'");
        }
        String caId = id.substring(0, dot);
        String serial = id.substring(dot + 1);
        IssuedCertificate cert = find(caId, serial)
                .orElseThrow(() -> CaException.notFound("identity-unknown", "no signer identity '" + id + "'"));
        ScopedSigner key = guardHsm(() -> documentKeys.find(identityKeyLabel(caId, serial)))
                .orElseThrow(() -> CaException.notFound("identity-unknown", "signer identity '" + id + "' has no key"));
        return new SignerIdentity(id, key, cert);
    }

    /** The HSM label of the key of identity {@code {caId}.{serial}}. */
    public static String identityKeyLabel(String caId, String serialHex) {
        return "identity-" + caId + "-" + serialHex;
    }

    /** The certificate {@code caId} issued under {@code serialHex} (lower-case hex, no leading zeros). */
    public Optional<IssuedCertificate> find(String caId, String serialHex) {
        CaRecord ca = guard(() -> registry.record(caId));
        String serial = serialHex == null ? "" : serialHex.toLowerCase(java.util.Locale.ROOT);
        if (!serial.matches("[1-9a-f][0-9a-f]{0,39}")) {
            return Optional.empty();
        }
        List<Certificate> chain = ca.chainPem() == null ? List.of() : Certificates.parsePem(ca.chainPem());
        return guard(() -> certificates.find(caId, serial)).map(r -> issued(r, chain));
    }

    public Page<IssuedCertificate> search(CertificateQuery query) {
        Page<CertificateRecord> page = guard(() -> certificates.search(query));
        List<IssuedCertificate> items = new ArrayList<>();
        Map<String, List<Certificate>> chains = new HashMap<>();
        for (CertificateRecord r : page.items()) {
            List<Certificate> chain = chains.computeIfAbsent(r.caId(), id -> {
                CaRecord ca = guard(() -> registry.record(id));
                return ca.chainPem() == null ? List.of() : Certificates.parsePem(ca.chainPem());
            });
            items.add(issued(r, chain));
        }
        return new Page<>(items, page.offset(), page.limit(), page.total());
    }

    /** A profile for end-entity certificates; CA profiles are for creating CAs. */
    private Profile leafProfile(String name) {
        Profile profile = profile(name);
        if (profile.ca()) {
            throw CaException.badRequest("profile-is-ca", "profile '" + profile.name() + "' is for CA certificates: "
                    + "create a subordinate CA instead (POST /api/v1/cas with a parentId, or the CAs page)");
        }
        return profile;
    }

    private IssuedCertificate announce(IssuedCertificate issued) {
        try {
            onIssued.accept(issued);
        } catch (RuntimeException e) {
            // Counting must never undo or hide an issuance that is already stored.
        }
        return issued;
    }

    private Profile profile(String name) {
        return profiles.find(name == null ? "" : name)
                .orElseThrow(() -> CaException.notFound("profile-unknown", "no profile '" + name + "'"));
    }

    private IssuedCertificate issued(CertificateRecord r, List<Certificate> chain) {
        String status = CertificateRecord.REVOKED.equals(r.status()) ? "revoked"
                : r.expiredAt(clock.instant()) ? "expired" : "valid";
        return new IssuedCertificate(r.caId(), r.serialHex(), dev.signet.ca.issue.Pem.certificate(r.der()),
                Certificates.pem(chain), r.subject(), r.sans(), r.notBefore(), r.notAfter(), r.profile(),
                r.keyAlgorithm(), r.requester(), status, r.revokedAt(), r.revocationReason());
    }

    private static <T> T guard(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (StoreException e) {
            throw Failures.of(e);
        }
    }

    private static <T> T guardHsm(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (HsmException e) {
            throw Failures.of(e);
        }
    }
}
