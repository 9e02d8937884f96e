package dev.signet.ca;

import dev.signet.ca.issue.CaUrls;
import dev.signet.ca.issue.Certificates;
import dev.signet.ca.issue.Failures;
import dev.signet.ca.revoke.CrlIssuer;
import dev.signet.ca.revoke.IssuedCrl;
import dev.signet.ca.revoke.IssuerIndex;
import dev.signet.ca.revoke.OcspResponder;
import dev.signet.ca.revoke.PreparedCrl;
import dev.signet.ca.revoke.ResponderSigner;
import dev.signet.ca.revoke.Responders;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation, as the web layer, the command line and PAdES use it: revoke and release, the CRLs
 * (full and delta) of every CA, and the OCSP responder.
 *
 * <p>CRLs are made in the background, never per request: by the node holding the CA's lease in the
 * database, before half of the previous one's validity has passed and within
 * {@link RevocationSettings#crlAfterRevocation()} of a revocation. OCSP responses without a nonce
 * are pre-signed and cached per certificate, refreshed in the background; a revoke evicts the
 * certificate's responses on this node before it returns, and other nodes evict them when they next
 * read the CA's revocation generation (every {@link RevocationSettings#poll()}).
 *
 * <p>For PAdES B-LT: {@link #currentCrl} and {@link #ocspResponse}.
 */
public final class Revocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** The longest OCSP request body the responder reads; a longer one is answered malformedRequest. */
    public static final int MAX_OCSP_REQUEST_BYTES = OcspResponder.MAX_REQUEST_BYTES;

    /** One CA's revocation machinery on this node. */
    private record CaState(String id, Certificate certificate, ScopedSigner signer, KeyAlgorithm algorithm,
            CrlIssuer crls, AtomicReference<PublishedCrl> full, AtomicReference<PublishedCrl> delta) {
    }

    private final CertificateAuthorities authorities;
    private final CaStore cas;
    private final RevocationStore store;
    private final SigningKeys caKeys;
    private final RevocationSettings settings;
    private final Clock clock;
    private final String node = "node-" + UUID.randomUUID();
    private final IssuerIndex issuers = new IssuerIndex();
    private final Responders responders;
    private final OcspResponder ocsp;
    private final Map<String, CaState> states = new ConcurrentHashMap<>();
    private final Map<String, Long> seenGenerations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService crlThread = Executors.newSingleThreadScheduledExecutor(daemon("signet-crl"));
    private final ScheduledExecutorService ocspThread = Executors.newSingleThreadScheduledExecutor(daemon("signet-ocsp"));
    private volatile boolean started;
    private final List<Runnable> afterChange = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param caKeys the CA keys (purpose CA): CRLs are signed with {@code SignedObject.CRL}
     * @param ocspKeys the OCSP responder keys (purpose OCSP)
     */
    public Revocations(CertificateAuthorities authorities, CaStore cas, RevocationStore store, SigningKeys caKeys,
            SigningKeys ocspKeys, RevocationSettings settings, Clock clock) {
        this.authorities = authorities;
        this.cas = cas;
        this.store = store;
        this.caKeys = caKeys;
        this.settings = settings;
        this.clock = clock;
        this.responders = new Responders(ocspKeys, store, new ResponderCertifier(),
                caId -> guard(() -> store.tryLease(caId, node, clock.instant(), clock.instant().plus(LEASE))), clock);
        this.ocsp = new OcspResponder(issuers, this::signerFor, store::status, clock, settings.ocspValidity());
    }

    /**
     * As above, over the CAs and revocation records of {@code storage}.
     *
     * @param caKeys the CA keys (purpose CA): CRLs are signed with {@code SignedObject.CRL}
     * @param ocspKeys the OCSP responder keys (purpose OCSP)
     */
    public Revocations(CertificateAuthorities authorities, Storage storage, SigningKeys caKeys, SigningKeys ocspKeys,
            RevocationSettings settings, Clock clock) {
        this(authorities, new CaStore(storage.database()), new RevocationStore(storage.database()), caKeys, ocspKeys, settings,
                clock);
    }

    /**
     * Loads the CAs, makes a first CRL for each CA that has none (so that the URL in its
     * certificates answers from the start), and starts the background work.
     */
    public void start() {
        refreshCas();
        seenGenerations.putAll(guard(store::generations));
        for (CaState ca : states.values()) {
            if (ca.crls() != null && guard(() -> store.newest(ca.id(), RevocationStore.FULL)).isEmpty()) {
                try {
                    generate(ca, true);
                } catch (RuntimeException e) {
                    LOG.warn("first CRL of CA {} failed: {}", ca.id(), e.toString());
                }
            }
            loadServed(ca);
        }
        started = true;
        long poll = settings.poll().toMillis();
        ocspThread.scheduleWithFixedDelay(quietly("OCSP refresh", this::ocspTick), poll, poll, TimeUnit.MILLISECONDS);
        long tick = crlTick().toMillis();
        crlThread.scheduleWithFixedDelay(quietly("CRL generation", this::crlTickAll), tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a node that only serves (read-only database access): it loads the CAs and the CRLs that
     * the full nodes made, and follows revocations in the background for its OCSP cache, but makes
     * no CRL, takes no lease and makes no responder; a CA whose responder no full node has certified
     * yet has its OCSP responses signed by the CA key meanwhile (RFC 6960 4.2.2.2).
     */
    public void startServingOnly() {
        responders.useStoredOnly();
        refreshCas();
        seenGenerations.putAll(guard(store::generations));
        for (CaState ca : states.values()) {
            loadServed(ca);
        }
        started = true;
        long poll = settings.poll().toMillis();
        ocspThread.scheduleWithFixedDelay(quietly("OCSP refresh", this::ocspTick), poll, poll, TimeUnit.MILLISECONDS);
    }

    /** How often the CRL generator looks at the CAs: a twelfth of the revocation delay, 250 ms to 5 s. */
    private Duration crlTick() {
        long ms = settings.crlAfterRevocation().toMillis() / 12;
        return Duration.ofMillis(Math.max(250, Math.min(5000, ms)));
    }

    // ---- revoke and release ----

    /**
     * Revokes the certificate {@code serialHex} of {@code caId} with the RFC 5280 reason named
     * {@code reasonName} (camelCase) and an optional invalidity date, writing the audit entry in the
     * same transaction. Once this returns, this node's OCSP responder never says "good" for it.
     *
     * @param mayRevokeCaCertificates whether the actor may revoke a CA certificate (admins)
     * @throws CaException NOT_FOUND for a serial the CA never issued, CONFLICT if it is already
     *     revoked, FORBIDDEN for a CA certificate without the right, POLICY_REFUSED for a reason that
     *     is unknown or not allowed here, or an invalidity date in the future
     */
    public IssuedCertificate revoke(String caId, String serialHex, String reasonName, Instant invalidityDate, String actor,
            boolean mayRevokeCaCertificates) {
        IssuedCertificate cert = find(caId, serialHex);
        RevocationReason reason = checkRevoke(reasonName, Certificates.parsePem(cert.certificatePem()).get(0),
                invalidityDate, clock.instant(), mayRevokeCaCertificates);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason.apiName());
        if (invalidityDate != null) {
            details.put("invalidityDate", invalidityDate.toString());
        }
        AuditEvent event = new AuditEvent(actor, "certificate.revoke", "certificate", caId + "/" + cert.serial(),
                dev.signet.ca.audit.CanonicalJson.write(details));
        try {
            store.revoke(caId, cert.serial(), reason.code(), invalidityDate, event);
        } catch (RevocationConflictException e) {
            throw new CaException(CaException.Kind.CONFLICT, "already-revoked", e.getMessage(), e);
        } catch (StoreException e) {
            throw Failures.of(e);
        }
        changed(caId, cert.serial());
        return find(caId, cert.serial());
    }

    /**
     * Releases a certificate from hold ({@code certificateHold}), audited; it is valid again.
     *
     * @throws CaException NOT_FOUND for a serial never issued, CONFLICT if it is not on hold
     */
    public IssuedCertificate release(String caId, String serialHex, String actor, boolean mayRevokeCaCertificates) {
        IssuedCertificate cert = find(caId, serialHex);
        if (isCaCertificate(cert) && !mayRevokeCaCertificates) {
            throw new CaException(CaException.Kind.FORBIDDEN, "ca-certificate-admin-only",
                    "only an admin may change a CA certificate's revocation");
        }
        AuditEvent event = AuditEvent.of(actor, "certificate.release", "certificate", caId + "/" + cert.serial());
        try {
            store.release(caId, cert.serial(), RevocationReason.CERTIFICATE_HOLD.code(), event);
        } catch (RevocationConflictException e) {
            throw new CaException(CaException.Kind.CONFLICT, "not-on-hold", e.getMessage(), e);
        } catch (StoreException e) {
            throw Failures.of(e);
        }
        changed(caId, cert.serial());
        return find(caId, cert.serial());
    }

    private IssuedCertificate find(String caId, String serialHex) {
        String serial = serialHex == null ? "" : serialHex.toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", "");
        return authorities.find(caId, serial).orElseThrow(() -> CaException.notFound("certificate-unknown",
                "CA '" + caId + "' issued no certificate with serial '" + serial + "'"));
    }

    /**
     * The rules of a revoke, for every caller (API, UI, the command line): a known RFC 5280 reason,
     * CA certificates only with the right and never on hold, no invalidity date in the future.
     *
     * @return the reason
     * @throws CaException POLICY_REFUSED or FORBIDDEN
     */
    public static RevocationReason checkRevoke(String reasonName, Certificate cert, Instant invalidityDate, Instant now,
            boolean mayRevokeCaCertificates) {
        RevocationReason reason = RevocationReason.parse(reasonName).orElseThrow(() -> CaException.refused(
                "revocation-reason-unknown", "'" + reasonName + "' is not an RFC 5280 revocation reason"));
        boolean ca = isCaCertificate(cert);
        if (ca && !mayRevokeCaCertificates) {
            throw new CaException(CaException.Kind.FORBIDDEN, "ca-certificate-admin-only",
                    "only an admin may revoke a CA certificate");
        }
        if (ca && reason == RevocationReason.CERTIFICATE_HOLD) {
            throw CaException.refused("revocation-reason-not-allowed",
                    "certificateHold is not allowed for a CA certificate: revoke it for good");
        }
        if (invalidityDate != null && invalidityDate.isAfter(now.plusSeconds(60))) {
            throw CaException.refused("invalidity-date-in-future", "the invalidity date " + invalidityDate + " is in the future");
        }
        return reason;
    }

    private static boolean isCaCertificate(IssuedCertificate c) {
        return isCaCertificate(Certificates.parsePem(c.certificatePem()).get(0));
    }

    private static boolean isCaCertificate(Certificate cert) {
        Extensions exts = cert.getTBSCertificate().getExtensions();
        Extension bc = exts == null ? null : exts.getExtension(Extension.basicConstraints);
        return bc != null && BasicConstraints.getInstance(bc.getParsedValue()).isCA();
    }

    /**
     * Runs {@code action} after every revoke or release: on this node before the revoke returns,
     * and after one on another node (or by the command line) when this node's OCSP poll sees the
     * CA's generation move. The TSAs use it to stop stamping under a revoked certificate.
     */
    public void afterChange(Runnable action) {
        afterChange.add(action);
    }

    private void runAfterChange() {
        for (Runnable r : afterChange) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("an action after a revocation change failed: {}", e.toString());
            }
        }
    }

    /** A revoke or release committed: evict this node's OCSP responses, and have the CRLs follow. */
    private void changed(String caId, String serialHex) {
        ocsp.invalidate(caId, serialHex);
        runAfterChange();
        CaState ca = states.get(caId);
        if (ca != null && started) {
            crlThread.execute(quietly("CRL generation", () -> crlTick(ca, false)));
        }
    }

    // ---- OCSP ----

    /** Answers a DER OCSP request (any CA Signet serves; the CA is found from the CertIDs). */
    public OcspReply ocsp(byte[] request) {
        return ocsp.respond(request);
    }

    /**
     * For PAdES B-LT: a signed OCSP response (DER OCSPResponse, CertID hashed with SHA-1) about the
     * certificate {@code serialHex} of {@code caId}: pre-signed from the cache when it holds one,
     * signed now otherwise; "unknown" for a serial the CA never issued.
     *
     * @throws CaException NOT_FOUND for a CA that Signet does not serve
     */
    public byte[] ocspResponse(String caId, String serialHex) {
        ensureCa(caId);
        BigInteger serial;
        try {
            serial = new BigInteger(serialHex, 16);
        } catch (RuntimeException e) {
            throw CaException.badRequest("serial-malformed", "not a hexadecimal serial: '" + serialHex + "'");
        }
        return ocsp.responseFor(caId, serial)
                .orElseThrow(() -> CaException.notFound("ca-unknown", "Signet serves no OCSP for CA '" + caId + "'"));
    }

    private ResponderSigner signerFor(String caId) {
        CaState ca = states.get(caId);
        if (ca == null) {
            throw new IllegalStateException("no CA " + caId);
        }
        if (!settings.ocspWithCaKey()) {
            try {
                return responders.current(caId, ca.algorithm());
            } catch (RuntimeException e) {
                // A retired CA cannot certify a new responder; its own key still answers (RFC 6960 4.2.2.2).
                LOG.warn("no OCSP responder for CA {} ({}); signing with the CA key", caId, e.toString());
            }
        }
        return new ResponderSigner(ca.signer(), null, Responders.respId(ca.signer().publicKey()), null,
                ca.certificate().getEndDate().getDate().toInstant());
    }

    /** Responder certificates from the CA's own issuance path, under the ocsp-responder profile. */
    private final class ResponderCertifier implements Responders.Certifier {
        private static final String PROFILE = "ocsp-responder";

        @Override
        public void checkMayCertify(String caId) {
            authorities.checkMayIssueForKey(caId, PROFILE);
        }

        @Override
        public void revokeUnused(Throwable failure, String caId, String serialHex, String why) {
            authorities.revokeUnused(failure, caId, serialHex, why, "signet");
        }

        @Override
        public Responders.Certified certify(String caId, java.security.PublicKey key, String subject) {
            IssuedCertificate c = authorities.issueForKey(caId, PROFILE, key, subject, "signet");
            byte[] der = dev.signet.ca.issue.Pem.decodeAll(c.certificatePem(), "CERTIFICATE").get(0);
            return new Responders.Certified(c.serial(), der, c.notBefore(), c.notAfter());
        }
    }

    // ---- CRLs ----

    /** The newest stored CRL of the CA (full, or delta), as this node serves it. */
    public Optional<PublishedCrl> crl(String caId, boolean delta) {
        CaState ca = ensureCa(caId);
        return Optional.ofNullable((delta ? ca.delta() : ca.full()).get());
    }

    /**
     * For PAdES B-LT: the current full CRL (DER) of {@code caId}, the issuer of the certificate
     * being embedded.
     *
     * @throws CaException NOT_FOUND for a CA Signet does not serve or that has no CRL yet
     */
    public byte[] currentCrl(String caId) {
        return crl(caId, false).map(PublishedCrl::der)
                .orElseThrow(() -> CaException.notFound("crl-none", "CA '" + caId + "' has no CRL yet"));
    }

    /** Makes and publishes a full CRL (and a delta, if deltas are on) now, whatever the schedule. */
    public PublishedCrl publishCrlsNow(String caId) {
        CaState ca = ensureCa(caId);
        if (ca.crls() == null) {
            throw CaException.conflict("crl-no-url", "CA '" + caId + "' has no base URL, so no CRL distribution point");
        }
        synchronized (ca) {
            generate(ca, true);
        }
        return ca.full().get();
    }

    /** The CA's CRL and OCSP state, for its page. */
    public RevocationState state(String caId) {
        CaState ca = ensureCa(caId);
        Optional<ResponderSigner> r = settings.ocspWithCaKey() ? Optional.empty() : responders.loaded(caId);
        return new RevocationState(caId, summary(ca.full().get()), summary(ca.delta().get()),
                r.map(ResponderSigner::serialHex).orElse(null), r.map(ResponderSigner::notAfter).orElse(null),
                settings.ocspWithCaKey(), ocsp.cachedResponses());
    }

    private static RevocationState.CrlSummary summary(PublishedCrl c) {
        return c == null ? null : new RevocationState.CrlSummary(c.number(), c.baseNumber(), c.thisUpdate(),
                c.nextUpdate(), c.entries());
    }

    private void crlTickAll() {
        refreshCas();
        for (CaState ca : states.values()) {
            crlTick(ca, false);
        }
    }

    private void crlTick(CaState ca, boolean force) {
        if (ca.crls() == null) {
            return;
        }
        Instant now = clock.instant();
        // Read-only first: an idle tick writes nothing (no lease renewal) unless something is due.
        if (!force && !crlDue(ca, now) && !rolloverDue(ca.id(), now)) {
            return;
        }
        if (!guard(() -> store.tryLease(ca.id(), node, now, now.plus(LEASE)))) {
            return; // another node makes this CA's CRLs
        }
        try {
            synchronized (ca) {
                generate(ca, force);
            }
        } catch (RuntimeException e) {
            LOG.warn("CRL generation for CA {} failed: {}", ca.id(), e.toString());
        }
        if (!settings.ocspWithCaKey()) {
            try {
                if (responders.rollOverIfDue(ca.id(), ca.algorithm(), responders.notBeforeOfNewest(ca.id()))) {
                    LOG.info("OCSP responder of CA {} rolled over", ca.id());
                    ocsp.invalidateCa(ca.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("OCSP responder rollover of CA {} failed: {}", ca.id(), e.toString());
            }
        }
    }

    /** Whether {@link #generate} would make a CRL now (the same tests, reading only). */
    private boolean crlDue(CaState ca, Instant now) {
        Optional<RevocationStore.CrlInfo> full = store.newest(ca.id(), RevocationStore.FULL);
        long generation = store.generations().getOrDefault(ca.id(), 0L);
        if (full.isEmpty() || !now.isBefore(full.get().thisUpdate().plus(settings.crlValidity().dividedBy(2)))
                || (generation > full.get().generation()
                        && !now.isBefore(full.get().thisUpdate().plus(settings.crlAfterRevocation().dividedBy(6))))) {
            return true;
        }
        if (!settings.deltaCrls()) {
            return false;
        }
        Optional<RevocationStore.CrlInfo> delta = store.newest(ca.id(), RevocationStore.DELTA);
        return delta.isEmpty() || generation > delta.get().generation()
                || !now.isBefore(delta.get().thisUpdate().plus(settings.deltaCrlValidity().dividedBy(2)));
    }

    /** Whether the CA's loaded responder has a third of its life or less left. */
    private boolean rolloverDue(String caId, Instant now) {
        if (settings.ocspWithCaKey()) {
            return false;
        }
        Optional<ResponderSigner> r = responders.loaded(caId);
        Instant from = r.isPresent() ? responders.notBeforeOfNewest(caId) : null;
        return from != null && Duration.between(now, r.get().notAfter())
                .compareTo(Duration.between(from, r.get().notAfter()).dividedBy(3)) <= 0;
    }

    /** Makes the CRLs that are due (all of them when {@code force}); call under the CA's lease. */
    private void generate(CaState ca, boolean force) {
        Instant now = clock.instant();
        Optional<RevocationStore.CrlInfo> full = store.newest(ca.id(), RevocationStore.FULL);
        long generation = store.generations().getOrDefault(ca.id(), 0L);
        Duration spacing = settings.crlAfterRevocation().dividedBy(6);
        boolean needFull = force || full.isEmpty()
                || !now.isBefore(full.get().thisUpdate().plus(settings.crlValidity().dividedBy(2)))
                || (generation > full.get().generation() && !now.isBefore(full.get().thisUpdate().plus(spacing)));
        RevocationStore.CrlInfo base = full.orElse(null);
        if (needFull) {
            IssuedCrl made = issue(ca.crls(), null);
            ca.full().set(published(made));
            if (base == null) {
                base = made.info();
            }
            LOG.info("CRL {} of CA {}: {} entries, next update {}", made.info().number(), ca.id(),
                    made.info().entries(), made.info().nextUpdate());
        }
        if (settings.deltaCrls()) {
            Optional<RevocationStore.CrlInfo> delta = store.newest(ca.id(), RevocationStore.DELTA);
            boolean needDelta = needFull || delta.isEmpty() || generation > delta.get().generation()
                    || !now.isBefore(delta.get().thisUpdate().plus(settings.deltaCrlValidity().dividedBy(2)));
            if (needDelta) {
                ca.delta().set(published(issue(ca.crls(), base)));
            }
        }
    }

    private static IssuedCrl issue(CrlIssuer issuer, RevocationStore.CrlInfo base) {
        long t0 = System.nanoTime();
        try (PreparedCrl prepared = issuer.prepare(base)) {
            long t1 = System.nanoTime();
            IssuedCrl crl = issuer.issue(prepared);
            LOG.info("CRL {} of CA {}: {} entries prepared in {} ms, signed and stored in {} ms", crl.info().number(),
                    issuer.caId(), crl.info().entries(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            return crl;
        }
    }

    private static PublishedCrl published(IssuedCrl c) {
        RevocationStore.CrlInfo i = c.info();
        return new PublishedCrl(i.caId(), i.kind(), i.number(), i.baseNumber(), i.thisUpdate(), i.nextUpdate(),
                i.entries(), c.der());
    }

    /** Picks up CRLs that another node (or this one) stored. */
    private void loadServed(CaState ca) {
        load(ca, RevocationStore.FULL, ca.full());
        load(ca, RevocationStore.DELTA, ca.delta());
    }

    private void load(CaState ca, String kind, AtomicReference<PublishedCrl> into) {
        Optional<RevocationStore.CrlInfo> newest = store.newest(ca.id(), kind);
        PublishedCrl held = into.get();
        if (newest.isEmpty() || (held != null && held.number() >= newest.get().number())) {
            return;
        }
        RevocationStore.CrlInfo i = newest.get();
        store.crlDer(ca.id(), i.number()).ifPresent(der -> into.set(new PublishedCrl(i.caId(), i.kind(), i.number(),
                i.baseNumber(), i.thisUpdate(), i.nextUpdate(), i.entries(), der)));
    }

    // ---- the background work every node does ----

    private void ocspTick() {
        refreshCas();
        Map<String, Long> now = store.generations();
        boolean moved = false;
        for (Map.Entry<String, Long> g : now.entrySet()) {
            long seen = seenGenerations.getOrDefault(g.getKey(), 0L);
            if (g.getValue() > seen) {
                for (String serial : store.changedSince(g.getKey(), seen)) {
                    ocsp.invalidate(g.getKey(), serial);
                }
                seenGenerations.put(g.getKey(), g.getValue());
                moved = true;
            }
        }
        if (moved) {
            runAfterChange();
        }
        for (CaState ca : states.values()) {
            loadServed(ca);
            if (!settings.ocspWithCaKey() && responders.loaded(ca.id()).isPresent() && responders.reload(ca.id())) {
                ocsp.invalidateCa(ca.id());
            }
        }
        ocsp.refreshDue(2000);
    }

    private CaState ensureCa(String caId) {
        CaState ca = states.get(caId);
        if (ca == null) {
            refreshCas();
            ca = states.get(caId);
        }
        if (ca == null) {
            throw CaException.notFound("ca-unknown", "no CA '" + caId + "' with a certificate");
        }
        return ca;
    }

    /** Adds the CAs this node does not know yet (created since, or whose certificate arrived). */
    private synchronized void refreshCas() {
        List<CaRecord> all = guard(cas::list);
        for (CaRecord r : all) {
            if (states.containsKey(r.id()) || r.certificatePem() == null) {
                continue;
            }
            Optional<ScopedSigner> signer;
            try {
                signer = caKeys.find(r.keyLabel());
            } catch (HsmException e) {
                continue; // its key is in another backend: this node cannot sign for it
            }
            if (signer.isEmpty()) {
                continue;
            }
            Certificate cert = Certificates.parsePem(r.certificatePem()).get(0);
            CaUrls urls = CaUrls.of(r.baseUrl(), r.id());
            CrlIssuer crls = urls == null ? null : new CrlIssuer(r.id(), cert, signer.get(), store, clock,
                    new CrlIssuer.Policy(urls.crl(), deltaUrl(r.baseUrl(), r.id()), settings.crlValidity(),
                            settings.deltaCrlValidity(), settings.deltaCrls(), !cert.getSubject().equals(cert.getIssuer())));
            for (IssuerIndex.Hashes h : IssuerIndex.hashesOf(cert)) {
                issuers.put(r.id(), h);
                try {
                    store.putIssuerHash(r.id(), h.algorithm(), h.nameHex(), h.keyHex());
                } catch (StoreException e) {
                    LOG.debug("issuer hash of CA {} not stored: {}", r.id(), e.toString());
                }
            }
            states.put(r.id(), new CaState(r.id(), cert, signer.get(), KeyAlgorithm.parse(r.keyAlgorithm()), crls,
                    new AtomicReference<>(), new AtomicReference<>()));
        }
    }

    /** Where a CA's delta CRLs are served: {@code {baseUrl}/crl/delta/{caId}.crl}. */
    public static String deltaUrl(String baseUrl, String caId) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + "/crl/delta/" + caId + ".crl";
    }

    /** Stops the background work and gives up this node's CRL leases. */
    @Override
    public void close() {
        crlThread.shutdownNow();
        ocspThread.shutdownNow();
        try {
            crlThread.awaitTermination(10, TimeUnit.SECONDS);
            ocspThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String caId : states.keySet()) {
            try {
                store.releaseLease(caId, node);
            } catch (RuntimeException e) {
                // the lease runs out by itself
            }
        }
    }

    private static Runnable quietly(String what, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", what, e.toString());
            }
        };
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static <T> T guard(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (StoreException e) {
            throw Failures.of(e);
        }
    }
}
