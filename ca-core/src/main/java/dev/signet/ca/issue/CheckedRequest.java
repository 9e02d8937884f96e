package dev.signet.ca.issue;

import dev.signet.ca.profile.Profile;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A certificate request that passed every policy check: proof of possession (for CSRs), key
 * strength, subject and SANs against the profile. Only {@link RequestChecker} makes one (the
 * constructor is package-private), so {@link CertificateIssuer#prepare} cannot be handed an
 * unchecked request.
 */
public final class CheckedRequest {

    private final Profile profile;
    private final X500Name subject;
    private final SubjectPublicKeyInfo publicKey;
    private final List<GeneralName> sans;
    private final List<String> sanTexts;
    private final String keyAlgorithm;
    private final String requester;

    CheckedRequest(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey, List<GeneralName> sans,
            List<String> sanTexts, String keyAlgorithm, String requester) {
        this.profile = profile;
        this.subject = subject;
        this.publicKey = publicKey;
        this.sans = List.copyOf(sans);
        this.sanTexts = List.copyOf(sanTexts);
        this.keyAlgorithm = keyAlgorithm;
        this.requester = requester;
    }

    public Profile profile() {
        return profile;
    }

    /** The subject, re-encoded with the string types RFC 5280 wants. */
    public X500Name subject() {
        return subject;
    }

    public SubjectPublicKeyInfo publicKey() {
        return publicKey;
    }

    public List<GeneralName> sans() {
        return sans;
    }

    /** The SANs as the store records them: {@code DNS:...}, {@code IP:...}, {@code email:...}, {@code URI:...}. */
    public List<String> sanTexts() {
        return sanTexts;
    }

    /** The subject key's name as the store records it: {@code EC_P256}, {@code RSA_2048}, ... */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    public String requester() {
        return requester;
    }
}
