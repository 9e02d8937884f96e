package dev.signet.signing.validation;

import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Every certificate the file offers (CMS, timestamps, DSS dictionary) plus the trust anchors, and
 * chain building over them: by name, then by signature. Trust comes only from the anchors; the
 * file's certificates are candidates, never trusted for themselves.
 */
final class CertificatePool {
    static final Provider BC = new BouncyCastleProvider();
    private static final int MAX_DEPTH = 10;

    private final Set<X509Certificate> anchors;
    private final Map<X500Principal, List<X509Certificate>> bySubject = new HashMap<>();
    private final Map<String, Boolean> verified = new HashMap<>();

    CertificatePool(Collection<X509Certificate> anchors) {
        this.anchors = new LinkedHashSet<>(anchors);
        anchors.forEach(this::add);
    }

    void add(X509Certificate c) {
        List<X509Certificate> list = bySubject.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>());
        if (!list.contains(c)) list.add(c);
    }

    void addAll(Collection<X509Certificate> certs) {
        certs.forEach(this::add);
    }

    boolean isAnchor(X509Certificate c) {
        return anchors.contains(c);
    }

    /** Certificates with this subject whose key verifies {@code child}'s signature. */
    List<X509Certificate> issuersOf(X509Certificate child) {
        List<X509Certificate> out = new ArrayList<>();
        for (X509Certificate candidate : bySubject.getOrDefault(child.getIssuerX500Principal(), List.of())) {
            if (signedBy(child, candidate)) out.add(candidate);
        }
        return out;
    }

    boolean signedBy(X509Certificate child, X509Certificate issuer) {
        String key = System.identityHashCode(child) + "/" + System.identityHashCode(issuer);
        return verified.computeIfAbsent(key, k -> {
            try {
                child.verify(issuer.getPublicKey(), BC);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * A path from {@code leaf} to a trust anchor, leaf first and anchor last, or an empty list.
     * Only CA certificates (basicConstraints cA) may issue; the anchor ends the path whatever it is.
     */
    List<X509Certificate> chainToAnchor(X509Certificate leaf) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        return extend(path) ? path : List.of();
    }

    private boolean extend(List<X509Certificate> path) {
        X509Certificate last = path.get(path.size() - 1);
        if (isAnchor(last)) return true;
        if (path.size() > MAX_DEPTH) return false;
        for (X509Certificate issuer : issuersOf(last)) {
            if (path.contains(issuer)) continue;
            if (!isAnchor(issuer) && issuer.getBasicConstraints() < 0) continue;
            path.add(issuer);
            if (extend(path)) return true;
            path.remove(path.size() - 1);
        }
        return false;
    }

    /** The certificate's issuer within a path (the next one), or a pool certificate that signed it. */
    X509Certificate issuerIn(List<X509Certificate> chain, X509Certificate cert) {
        int i = chain.indexOf(cert);
        if (i >= 0 && i + 1 < chain.size()) return chain.get(i + 1);
        List<X509Certificate> issuers = issuersOf(cert);
        return issuers.isEmpty() ? null : issuers.get(0);
    }
}
