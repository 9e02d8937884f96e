package dev.signet.ca.revoke;

import dev.signet.ca.issue.GeneratedKeys;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SigningKeys;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.ResponderID;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.RespID;

/**
 * The delegated OCSP responders: per CA, a key of purpose OCSP generated in the HSM and certified
 * by the CA under the {@code ocsp-responder} profile (id-pkix-ocsp-nocheck). The newest one signs;
 * a new one is made when a third of the current one's lifetime is left, so relying parties never
 * see an expired responder. Keys are labelled {@code ocsp-{caId}-{yyyyMMddHHmmss}}.
 */
public final class Responders {

    /** Certifies a responder key (the CA's issuance path: reserve, lint, sign, store). */
    public interface Certifier {
        /**
         * Throws if the CA could not certify a responder whatever its key (a root, refused the
         * profile): checked before the key is generated, so that such a CA, which tries again on
         * every OCSP signing, costs no key generation in the HSM each time.
         */
        void checkMayCertify(String caId);

        Certified certify(String caId, PublicKey key, String subjectDn);

        /** After {@code failure}, revokes a certificate {@link #certify} made that no responder row names. */
        void revokeUnused(Throwable failure, String caId, String serialHex, String why);
    }

    /** A stored responder certificate. */
    public record Certified(String serialHex, byte[] der, Instant notBefore, Instant notAfter) {
    }

    /**
     * How long after a failed attempt the next one waits. A CA without a responder tries on every
     * OCSP signing the cache does not answer, and each attempt may generate a key in the HSM (an
     * RSA key can take seconds) while holding this object's lock; meanwhile the CA key signs.
     */
    static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private static final DateTimeFormatter LABEL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final SigningKeys ocspKeys;
    private final RevocationStore store;
    private final Certifier certifier;
    private final Clock clock;
    private final Map<String, ResponderSigner> current = new ConcurrentHashMap<>();
    /** Per CA, when a responder may be tried again after making one failed. */
    private final Map<String, Instant> retryAfter = new ConcurrentHashMap<>();

    private volatile boolean storedOnly;
    private final Predicate<String> mayMake;

    /**
     * @param mayMake whether this node may make a CA's responder now: with several nodes only the
     *     holder of the CA's lease does, or two nodes would make two keys under one label at once
     */
    public Responders(SigningKeys ocspKeys, RevocationStore store, Certifier certifier, Predicate<String> mayMake, Clock clock) {
        this.ocspKeys = ocspKeys;
        this.store = store;
        this.certifier = certifier;
        this.mayMake = mayMake;
        this.clock = clock;
    }

    /** The CA's current responder; made now if it has none that is valid. */
    public ResponderSigner current(String caId, KeyAlgorithm algorithm) {
        ResponderSigner r = current.get(caId);
        if (r != null && clock.instant().isBefore(r.notAfter())) {
            return r;
        }
        synchronized (this) {
            r = current.get(caId);
            if (r != null && clock.instant().isBefore(r.notAfter())) {
                return r;
            }
            Optional<ResponderSigner> stored = newestStored(caId);
            ResponderSigner chosen = stored.filter(s -> clock.instant().isBefore(s.notAfter()))
                    .orElseGet(() -> create(caId, algorithm));
            current.put(caId, chosen);
            return chosen;
        }
    }

    /** The responder in use for a CA, if one was loaded. */
    public Optional<ResponderSigner> loaded(String caId) {
        return Optional.ofNullable(current.get(caId));
    }

    /**
     * Makes a new responder for the CA if the current one has less than a third of its lifetime
     * left (run by the lease holder). Returns whether it did.
     */
    public synchronized boolean rollOverIfDue(String caId, KeyAlgorithm algorithm, Instant currentNotBefore) {
        ResponderSigner r = current.get(caId);
        if (r == null || currentNotBefore == null) {
            return false;
        }
        Duration life = Duration.between(currentNotBefore, r.notAfter());
        if (Duration.between(clock.instant(), r.notAfter()).compareTo(life.dividedBy(3)) > 0) {
            return false;
        }
        current.put(caId, create(caId, algorithm));
        return true;
    }

    /** Re-reads the newest responder (another node may have rolled over); returns whether it changed. */
    public synchronized boolean reload(String caId) {
        ResponderSigner r = current.get(caId);
        Optional<ResponderSigner> newest = newestStored(caId);
        if (newest.isPresent() && (r == null || !newest.get().serialHex().equals(r.serialHex()))
                && clock.instant().isBefore(newest.get().notAfter())) {
            current.put(caId, newest.get());
            return r != null;
        }
        return false;
    }

    /** notBefore of the CA's newest stored responder, or null. */
    public Instant notBeforeOfNewest(String caId) {
        List<RevocationStore.Responder> all = store.responders(caId);
        return all.isEmpty() ? null : all.get(0).notBefore();
    }

    private Optional<ResponderSigner> newestStored(String caId) {
        for (RevocationStore.Responder r : store.responders(caId)) {
            Optional<ScopedSigner> key = ocspKeys.find(r.keyLabel());
            Optional<RevocationStore.Status> cert = store.statusWithDer(caId, r.serialHex());
            if (key.isPresent() && cert.isPresent() && !cert.get().revoked()) {
                try {
                    X509CertificateHolder holder = new X509CertificateHolder(cert.get().der());
                    return Optional.of(new ResponderSigner(key.get(), holder, respId(holder.getSubjectPublicKeyInfo()),
                            r.serialHex(), r.notAfter()));
                } catch (IOException e) {
                    // a stored certificate that does not parse: try the next responder
                }
            }
        }
        return Optional.empty();
    }

    /** From now on, use only responders that full nodes made (a read-only node makes none). */
    public void useStoredOnly() {
        storedOnly = true;
    }

    private ResponderSigner create(String caId, KeyAlgorithm algorithm) {
        if (storedOnly) {
            // Checked before a key is generated: a read-only node leaves nothing behind in the HSM.
            throw new IllegalStateException("no stored responder for CA " + caId + ", and this node makes none");
        }
        if (!mayMake.test(caId)) {
            // Another node holds the CA's lease and makes it; this one loads it when it is stored.
            throw new IllegalStateException("the responder of CA " + caId + " is being made by the node holding its lease");
        }
        Instant retry = retryAfter.get(caId);
        if (retry != null && clock.instant().isBefore(retry)) {
            throw new IllegalStateException("making the responder of CA " + caId + " failed; the next attempt is after " + retry);
        }
        try {
            ResponderSigner made = make(caId, algorithm);
            retryAfter.remove(caId);
            return made;
        } catch (RuntimeException | Error e) {
            retryAfter.put(caId, clock.instant().plus(RETRY_AFTER));
            throw e;
        }
    }

    private ResponderSigner make(String caId, KeyAlgorithm algorithm) {
        certifier.checkMayCertify(caId);
        String label = "ocsp-" + caId + "-" + LABEL_TIME.format(clock.instant());
        Optional<ScopedSigner> existing = ocspKeys.find(label);
        ScopedSigner key = existing.orElseGet(() -> ocspKeys.generate(label, algorithm));
        try {
            return certify(caId, key, label);
        } catch (RuntimeException | Error e) {
            // The key is of use only with its certificate, and every later attempt generates another:
            // left behind, failed attempts would fill the HSM (the next attempt comes with the next
            // OCSP signing). If the certificate was stored but the responder row not, the key goes
            // too: a responder certificate without a row is never used. A key found under the label
            // was not made here and may be in use, so it stays.
            if (existing.isEmpty()) {
                GeneratedKeys.discardAfter(e, ocspKeys, label);
            }
            throw e;
        }
    }

    private ResponderSigner certify(String caId, ScopedSigner key, String label) {
        String cn = ("OCSP Responder " + caId);
        Certified c = certifier.certify(caId, key.publicKey(), "CN=" + (cn.length() > 64 ? cn.substring(0, 64) : cn));
        try {
            store.addResponder(new RevocationStore.Responder(caId, c.serialHex(), label, c.notBefore(), c.notAfter()),
                    new dev.signet.ca.AuditEvent("signet", "ocsp.responder", "ca", caId,
                            "{\"serial\":\"" + c.serialHex() + "\",\"keyLabel\":\"" + label + "\"}"));
        } catch (RuntimeException e) {
            certifier.revokeUnused(e, caId, c.serialHex(), "the OCSP responder it was issued for was not stored");
            throw e;
        }
        try {
            X509CertificateHolder holder = new X509CertificateHolder(c.der());
            return new ResponderSigner(key, holder, respId(holder.getSubjectPublicKeyInfo()), c.serialHex(), c.notAfter());
        } catch (IOException e) {
            throw new IllegalStateException("the responder certificate just issued does not parse", e);
        }
    }

    /** RFC 6960 4.2.2.3 byKey: the SHA-1 of the responder's public key (RFC 5019 prefers it). */
    public static RespID respId(SubjectPublicKeyInfo spki) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
            return new RespID(new ResponderID(new DEROctetString(hash)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RespID respId(PublicKey key) {
        return respId(SubjectPublicKeyInfo.getInstance(key.getEncoded()));
    }
}
