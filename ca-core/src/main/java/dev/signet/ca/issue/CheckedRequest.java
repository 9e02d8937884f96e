package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.profile.Profile;
import java.time.Duration;
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
    private final Duration validity;

    CheckedRequest(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey, List<GeneralName> sans,
            List<String> sanTexts, String keyAlgorithm, String requester) {
        this(profile, subject, publicKey, sans, sanTexts, keyAlgorithm, requester, null);
    }

    private CheckedRequest(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey, List<GeneralName> sans,
            List<String> sanTexts, String keyAlgorithm, String requester, Duration validity) {
        this.profile = profile;
        this.subject = subject;
        this.publicKey = publicKey;
        this.sans = List.copyOf(sans);
        this.sanTexts = List.copyOf(sanTexts);
        this.keyAlgorithm = keyAlgorithm;
        this.requester = requester;
        this.validity = validity;
    }

    /**
     * This request with a validity the requester chose, which must lie within the profile's
     * maximum; null keeps the default (the profile's maximum).
     */
    public CheckedRequest withValidity(Duration requested) {
        if (requested == null) {
            return this;
        }
        if (requested.compareTo(Duration.ofHours(1)) < 0 || requested.compareTo(profile.maxValidity()) > 0) {
            throw CaException.refused("validity-not-allowed", "profile '" + profile.name() + "' allows a validity of "
                    + "1 to " + profile.maxValidity().toDays() + " days");
        }
        return new CheckedRequest(profile, subject, publicKey, sans, sanTexts, keyAlgorithm, requester, requested);
    }

    /** How long the certificate is to be valid: the requester's choice, or the profile's maximum. */
    public Duration validity() {
        return validity == null ? profile.maxValidity() : validity;
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
