package dev.signet.signing.validation;

import dev.signet.signing.ValidationPolicy;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** Digest names by OID, and the policy's verdict on digests and keys. */
final class Algorithms {
    private static final Map<String, String> DIGESTS = Map.of(
            "1.3.14.3.2.26", "SHA-1",
            "2.16.840.1.101.3.4.2.4", "SHA-224",
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512",
            "2.16.840.1.101.3.4.2.8", "SHA3-256",
            "2.16.840.1.101.3.4.2.9", "SHA3-384",
            "2.16.840.1.101.3.4.2.10", "SHA3-512");

    private Algorithms() {}

    /** The JCA digest name, or null for a digest Signet does not know. */
    static String digestName(ASN1ObjectIdentifier oid) {
        return DIGESTS.get(oid.getId());
    }

    /** Null when the policy accepts the key; otherwise why not. */
    static String weakKey(PublicKey key, ValidationPolicy policy) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < policy.minRsaBits() ? "RSA key of " + bits + " bits (policy: at least " + policy.minRsaBits() + ")" : null;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits < policy.minEcBits() ? "EC key of " + bits + " bits (policy: at least " + policy.minEcBits() + ")" : null;
        }
        String alg = key.getAlgorithm();
        if (alg.equalsIgnoreCase("Ed25519") || alg.equalsIgnoreCase("EdDSA")) {
            return policy.ed25519Accepted() ? null : "Ed25519 key (not accepted by the policy)";
        }
        return "key algorithm " + alg + " (not accepted by the policy)";
    }

    /** Null when the policy accepts the digest; otherwise why not. */
    static String weakDigest(String name, ValidationPolicy policy) {
        if (name == null) return "unknown digest algorithm";
        return policy.acceptedDigests().contains(name) ? null : "digest " + name + " (not accepted by the policy)";
    }
}
