package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.DatabaseUnavailableException;
import dev.signet.ca.NewCa;
import dev.signet.ca.lint.IssuerContext;
import dev.signet.ca.lint.LintException;
import dev.signet.ca.lint.Linter;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.StoreException;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.SigningKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import dev.signet.ca.audit.CanonicalJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates CAs: self-signed roots, subordinates under a CA in Signet (any depth), and subordinates
 * whose parent is outside (key and CSR here, the signed certificate imported later and checked).
 * Every CA key is generated inside the HSM with purpose CA; if creation fails after that, the key is
 * destroyed. A root's own certificate goes through the same prepare -> issue path as every other
 * certificate (serial reserved and TBS recorded before the signature), not a path of its own.
 * That reservation names the root, so the root is stored pending first; one transaction for
 * record, certificate and activation is impossible without signing inside the store's writer. A
 * root that then fails to be created is removed again with its certificate rows ({@code
 * ca.create-failed} in the audit log), and only then is its key destroyed. A subordinate's
 * certificate is signed and stored by its parent before the subordinate's record: if that record
 * then fails, the certificate is revoked (cessationOfOperation) before the key is destroyed.
 */
public final class CaFactory {

    private static final Logger LOG = LoggerFactory.getLogger(CaFactory.class);
    private static final int MAX_ID_LENGTH = 40;

    private final SigningKeys caKeys;
    private final CaStore cas;
    private final CertificateStore certificates;
    private final UnusedCertificates unused;
    private final CaRegistry registry;
    private final Linter linter;
    private final Clock clock;
    private final SecureRandom random;

    public CaFactory(SigningKeys caKeys, CaStore cas, CertificateStore certificates, RevocationStore revocations,
            CaRegistry registry, Linter linter, Clock clock, SecureRandom random) {
        this.caKeys = caKeys;
        this.cas = cas;
        this.certificates = certificates;
        this.unused = new UnusedCertificates(revocations);
        this.registry = registry;
        this.linter = linter;
        this.clock = clock;
        this.random = random;
    }

    /** A self-signed root. {@code template} gives the subject rules and key usage (the sub-ca profile). */
    public CaRecord createRoot(NewCa spec, Profile template, String actor) {
        String id = newId(spec.name());
        X500Name subject = parseDn(spec.subjectDn());
        Duration validity = spec.validity() == null ? Duration.ofDays(3650) : spec.validity();
        if (validity.isNegative() || validity.isZero() || validity.compareTo(Duration.ofDays(36_525)) > 0) {
            throw CaException.badRequest("validity-invalid", "a root's validity must be between 1 day and 100 years");
        }
        if (spec.pathLen() != null && (spec.pathLen() < 0 || spec.pathLen() > 32)) {
            throw CaException.badRequest("path-len-invalid", "pathLen must be between 0 and 32");
        }
        Profile rootProfile = new Profile("root-ca", "self-signed root", "built-in", template.keys(), validity,
                template.subject(), template.subjectAltNames(), template.keyUsage(), List.of(), false, true,
                spec.pathLen(), null, List.of(), false, false);
        ScopedSigner key = generate(id, spec.keyAlgorithm());
        boolean pendingStored = false;
        try {
            SubjectPublicKeyInfo spki = publicKeyInfo(key);
            CheckedRequest req = RequestChecker.forServerKey(spki, subject, List.of(), rootProfile, actor);
            CertificateIssuer self = CertificateIssuer.selfSigning(id, key, certificates, linter, clock, random);
            PreparedCertificate prepared = self.prepareSelfSigned(req, validity); // lint, before anything is stored
            // The root exists as pending (no certificate) while its own certificate is reserved and signed.
            Instant created = clock.instant();
            cas.create(new CaRecord(id, spec.name(), CaRecord.PENDING, key.keyLabel(), caKeys.backendName(),
                    key.keyAlgorithm().name(), null, null, null, spec.baseUrl(), created),
                    event(actor, "ca.create", id, Map.of("type", "root", "subject", req.subject().toString(),
                            "keyLabel", key.keyLabel(), "keyAlgorithm", key.keyAlgorithm().name())));
            pendingStored = true;
            CertificateRecord issued = self.issue(prepared);
            String pem = Certificates.pem(Certificates.parse(issued.der()));
            CaRecord record = new CaRecord(id, spec.name(), CaRecord.ACTIVE, key.keyLabel(), caKeys.backendName(),
                    key.keyAlgorithm().name(), null, pem, pem, spec.baseUrl(), created);
            cas.update(record, event(actor, "ca.activate", id, Map.of("serial", issued.serialHex())));
            return record;
        } catch (RuntimeException e) {
            RuntimeException failure = translate(e);
            // Stored as pending, the root must go with its key: a record naming a destroyed key would
            // be listed as a CA and block its name. If it cannot be removed, the key stays with it.
            if (pendingStored && !DatabaseUnavailableException.maybeStored(e) && !removeFailedRoot(id, key, failure, actor)) {
                throw failure;
            }
            GeneratedKeys.discardAfter(e, caKeys, key.keyLabel());
            throw failure;
        }
    }

    /**
     * Removes the pending record (and the reserved or stored self-signed certificate) of a root
     * whose creation failed, audited as {@code ca.create-failed} after its {@code ca.create}.
     * Returns false if the record may still be there: the removal failed, or its commit got no answer.
     */
    private boolean removeFailedRoot(String id, ScopedSigner key, RuntimeException failure, String actor) {
        String reason = failure instanceof CaException ce ? ce.code() : failure.getClass().getSimpleName();
        try {
            cas.removeFailedRoot(id, event(actor, "ca.create-failed", id, Map.of("reason", reason,
                    "keyLabel", key.keyLabel())));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("root CA {} failed to be created ({}) and its pending record could not be removed ({}): the record "
                    + "and its HSM key {} are kept; remove both once the database is back", id, reason, e.toString(),
                    key.keyLabel());
            return false;
        }
    }

    /**
     * Removes a root whose creation did not finish and that was left pending with its key: the
     * process stopped between the steps, or a write got no answer so both were kept. The record and
     * its self-signed certificate's rows go (audited {@code ca.create-failed}), then the key, if the
     * HSM still has it. The caller decides that the pending CA is such a root and not one waiting
     * for an outside parent; the store refuses anything but a pending CA without parent or certificate.
     */
    public void discardUnfinishedRoot(String caId, String actor) {
        CaRecord ca = registry.record(caId);
        if (!CaRecord.PENDING.equals(ca.status()) || ca.parentId() != null || ca.certificatePem() != null) {
            throw CaException.conflict("ca-not-pending", "CA '" + caId + "' is not a root whose creation did not finish");
        }
        try {
            cas.removeFailedRoot(caId, event(actor, "ca.create-failed", caId, Map.of("reason", "unfinished",
                    "keyLabel", ca.keyLabel())));
        } catch (StoreException e) {
            throw Failures.of(e);
        }
        registry.forget(caId);
        try {
            if (caKeys.find(ca.keyLabel()).isPresent()) {
                caKeys.destroy(ca.keyLabel());
            }
        } catch (RuntimeException e) {
            // The record is gone, which is what matters; a key left over shows in the HSM's key list.
            LOG.warn("the key {} of the unfinished root CA {} could not be destroyed and stays: {}", ca.keyLabel(), caId,
                    e.toString());
        }
    }

    /** A subordinate CA signed by {@code parentId} with a CA profile (normally sub-ca). */
    public CaRecord createSubordinate(String parentId, NewCa spec, Profile profile, String actor) {
        if (!profile.ca()) {
            throw CaException.badRequest("profile-not-ca", "profile '" + profile.name() + "' is not a CA profile");
        }
        CertificateIssuer parent = registry.issuer(parentId);
        String id = newId(spec.name());
        X500Name subject = parseDn(spec.subjectDn());
        ScopedSigner key = generate(id, spec.keyAlgorithm());
        CertificateRecord issued = null;
        try {
            CheckedRequest req = RequestChecker.forServerKey(publicKeyInfo(key), subject, List.of(), profile, actor);
            issued = parent.issue(parent.prepare(req));
            List<Certificate> chain = new ArrayList<>();
            chain.add(Certificates.parse(issued.der()));
            chain.addAll(parent.ca().chain());
            CaRecord record = new CaRecord(id, spec.name(), CaRecord.ACTIVE, key.keyLabel(), caKeys.backendName(),
                    key.keyAlgorithm().name(), parentId, Certificates.pem(chain.get(0)), Certificates.pem(chain),
                    spec.baseUrl(), clock.instant());
            cas.create(record, event(actor, "ca.create", id, Map.of("type", "subordinate", "parent", parentId,
                    "subject", req.subject().toString(), "serial", issued.serialHex(), "keyLabel", key.keyLabel(),
                    "keyAlgorithm", key.keyAlgorithm().name())));
            return record;
        } catch (RuntimeException e) {
            if (issued != null) {
                unused.revokeAfter(e, parentId, issued.serialHex(), "the subordinate CA '" + id + "' it was issued for was not created",
                        actor);
            }
            GeneratedKeys.discardAfter(e, caKeys, key.keyLabel());
            throw translate(e);
        }
    }

    /** A CA whose parent is outside Signet: key generated here, status pending; returns the record and the CSR PEM. */
    public Map.Entry<CaRecord, String> createWithExternalParent(NewCa spec, Profile template, String actor) {
        String id = newId(spec.name());
        X500Name subject = parseDn(spec.subjectDn());
        ScopedSigner key = generate(id, spec.keyAlgorithm());
        try {
            SubjectPublicKeyInfo spki = publicKeyInfo(key);
            CheckedRequest req = RequestChecker.forServerKey(spki, subject, List.of(), template, actor);
            PKCS10CertificationRequest csr = new PKCS10CertificationRequestBuilder(req.subject(), spki)
                    .build(key.contentSigner(SignedObject.CERTIFICATE_REQUEST));
            CaRecord record = new CaRecord(id, spec.name(), CaRecord.PENDING, key.keyLabel(), caKeys.backendName(),
                    key.keyAlgorithm().name(), null, null, null, spec.baseUrl(), clock.instant());
            cas.create(record, event(actor, "ca.create", id, Map.of("type", "external-parent",
                    "subject", req.subject().toString(), "keyLabel", key.keyLabel(), "keyAlgorithm", key.keyAlgorithm().name())));
            return Map.entry(record, Pem.encode("CERTIFICATE REQUEST", csr.getEncoded()));
        } catch (IOException e) {
            destroyQuietly(key);
            throw new IllegalStateException("cannot encode the CSR", e);
        } catch (RuntimeException e) {
            GeneratedKeys.discardAfter(e, caKeys, key.keyLabel());
            throw translate(e);
        }
    }

    /**
     * Completes a pending CA with the certificate its outside parent signed. Checked: the certificate
     * holds this CA's key, is a CA certificate, is currently valid, and validates (PKIX) up to the
     * last certificate of {@code chainPem}, which must be a self-signed root.
     */
    public CaRecord importCertificate(String caId, String certificatePem, String chainPem, String actor) {
        CaRecord ca = registry.record(caId);
        if (!CaRecord.PENDING.equals(ca.status())) {
            throw CaException.conflict("ca-not-pending", "CA '" + caId + "' is not waiting for a certificate");
        }
        List<Certificate> certs = Certificates.parsePem(certificatePem);
        if (certs.size() != 1) {
            throw CaException.badRequest("certificate-unparseable", "expected exactly one certificate, found " + certs.size());
        }
        Certificate cert = certs.get(0);
        List<Certificate> parents = new ArrayList<>(Certificates.parsePem(chainPem));
        if (!parents.isEmpty() && parents.get(0).equals(cert)) {
            parents.remove(0);
        }
        if (parents.isEmpty()) {
            throw CaException.badRequest("chain-missing", "give the parent's chain up to its root");
        }
        byte[] ours;
        try {
            ours = caKeys.get(ca.keyLabel()).publicKey().getEncoded();
        } catch (HsmException e) {
            throw Failures.of(e);
        }
        byte[] theirs = encoded(cert.getSubjectPublicKeyInfo());
        if (!Arrays.equals(ours, theirs)) {
            throw CaException.badRequest("certificate-key-mismatch", "the certificate is not for this CA's key");
        }
        Extensions exts = cert.getTBSCertificate().getExtensions();
        BasicConstraints bc = exts == null ? null : BasicConstraints.fromExtensions(exts);
        KeyUsage ku = exts == null || exts.getExtension(Extension.keyUsage) == null ? null : KeyUsage.fromExtensions(exts);
        if (bc == null || !bc.isCA() || (ku != null && !ku.hasUsages(KeyUsage.keyCertSign))) {
            throw CaException.badRequest("not-a-ca-certificate", "the certificate is not a CA certificate (basicConstraints cA, keyCertSign)");
        }
        validateChain(cert, parents);
        List<Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(parents);
        CaRecord active = new CaRecord(ca.id(), ca.name(), CaRecord.ACTIVE, ca.keyLabel(), ca.keyBackend(),
                ca.keyAlgorithm(), null, Certificates.pem(cert), Certificates.pem(chain), ca.baseUrl(), ca.created());
        try {
            cas.update(active, event(actor, "ca.import-certificate", caId, Map.of("subject", cert.getSubject().toString(),
                    "issuer", cert.getIssuer().toString())));
        } catch (StoreException e) {
            throw Failures.of(e);
        }
        registry.forget(caId);
        return active;
    }

    /** Retires a CA: it stays listed, its certificates stay valid, it issues no more. */
    public CaRecord retire(String caId, String actor) {
        CaRecord ca = registry.record(caId);
        if (CaRecord.RETIRED.equals(ca.status())) {
            return ca;
        }
        if (!CaRecord.ACTIVE.equals(ca.status())) {
            throw CaException.conflict("ca-not-active", "CA '" + caId + "' is " + ca.status());
        }
        CaRecord retired = new CaRecord(ca.id(), ca.name(), CaRecord.RETIRED, ca.keyLabel(), ca.keyBackend(),
                ca.keyAlgorithm(), ca.parentId(), ca.certificatePem(), ca.chainPem(), ca.baseUrl(), ca.created());
        try {
            cas.update(retired, event(actor, "ca.retire", caId, Map.of()));
        } catch (StoreException e) {
            throw Failures.of(e);
        }
        registry.forget(caId);
        return retired;
    }

    private static void validateChain(Certificate cert, List<Certificate> parents) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = new ArrayList<>();
            path.add(x509(cf, cert));
            for (int i = 0; i < parents.size() - 1; i++) {
                path.add(x509(cf, parents.get(i)));
            }
            X509Certificate root = x509(cf, parents.get(parents.size() - 1));
            if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
                throw CaException.badRequest("chain-invalid", "the last certificate of the chain is not a self-signed root");
            }
            root.verify(root.getPublicKey());
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            throw CaException.badRequest("chain-invalid", "the certificate does not validate up to the given root: " + e.getMessage());
        } catch (CertificateException | NoSuchAlgorithmException | InvalidAlgorithmParameterException
                | java.security.InvalidKeyException | java.security.SignatureException
                | java.security.NoSuchProviderException e) {
            throw CaException.badRequest("chain-invalid", "the chain cannot be checked: " + e.getMessage());
        }
    }

    private static X509Certificate x509(CertificateFactory cf, Certificate c) throws CertificateException {
        return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Certificates.der(c)));
    }

    private ScopedSigner generate(String caId, KeyAlgorithm algorithm) {
        if (algorithm == null || algorithm.isSymmetric()) {
            throw CaException.badRequest("key-algorithm-invalid", "a CA needs a signing key algorithm, not " + algorithm);
        }
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        try {
            return caKeys.generate("ca-" + caId + "-" + HexFormat.of().formatHex(suffix), algorithm);
        } catch (HsmException e) {
            throw Failures.of(e);
        }
    }

    private static SubjectPublicKeyInfo publicKeyInfo(ScopedSigner key) {
        return SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
    }

    /** A URL-friendly id from the name ("Signet Root CA" -> signet-root-ca); refused if taken. */
    private String newId(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw CaException.badRequest("name-invalid", "a CA needs a name of 1 to 200 characters");
        }
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_ID_LENGTH) {
            slug = slug.substring(0, MAX_ID_LENGTH).replaceAll("-+$", "");
        }
        if (slug.isEmpty()) {
            byte[] b = new byte[6];
            random.nextBytes(b);
            slug = "ca-" + HexFormat.of().formatHex(b);
        }
        if (cas.find(slug).isPresent()) {
            throw CaException.conflict("ca-exists", "a CA with id '" + slug + "' exists already");
        }
        return slug;
    }

    private static X500Name parseDn(String dn) {
        if (dn == null || dn.isBlank()) {
            throw CaException.badRequest("subject-malformed", "a subject DN is required");
        }
        try {
            return new X500Name(dn);
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("subject-malformed", "not a distinguished name: '" + dn + "'");
        }
    }

    private void destroyQuietly(ScopedSigner key) {
        try {
            caKeys.destroy(key.keyLabel());
        } catch (RuntimeException ignored) {
            // the original failure matters more; an orphaned key is visible in the HSM's key list
        }
    }

    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof StoreException se) {
            return Failures.of(se);
        }
        if (e instanceof HsmException he) {
            return Failures.of(he);
        }
        return e;
    }

    private static AuditEvent event(String actor, String action, String caId, Map<String, Object> details) {
        return new AuditEvent(actor, action, "ca", caId, CanonicalJson.write(new LinkedHashMap<>(details)));
    }

    private static byte[] encoded(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
