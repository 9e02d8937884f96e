package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.profile.KeyRules;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Runs before any signature is checked (a huge RSA key makes that check cost seconds). Refuses weak
 * and oversized subject keys whatever the profile says (RSA under 2048 bits or with a bad exponent,
 * curves other than P-256/P-384/P-521, points not on the curve), then applies the profile's own
 * key rules. Returns the key's name as the store records it ({@code EC_P256}, {@code RSA_2048}, ...).
 */
public final class KeyChecks {

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256", SECObjectIdentifiers.secp384r1, "P-384",
            SECObjectIdentifiers.secp521r1, "P-521");
    /** The CA/Browser Forum bounds for e: at least 2^16+1, below 2^256. */
    private static final BigInteger MIN_EXPONENT = BigInteger.valueOf(65537);
    private static final BigInteger MAX_EXPONENT = BigInteger.ONE.shiftLeft(256);
    /** Product of the odd primes below 100: a modulus sharing a factor with it is broken. */
    private static final BigInteger SMALL_PRIMES = new BigInteger(
            "1152783981972759212376551073665878035");

    private KeyChecks() {
    }

    public static String check(SubjectPublicKeyInfo spki, KeyRules rules) {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits = checkRsa(spki);
            if (!rules.allowsRsa() || bits < rules.rsaMinBits()) {
                throw CaException.refused("key-not-allowed", "the profile does not allow an RSA-" + bits + " key"
                        + (rules.allowsRsa() ? " (minimum " + rules.rsaMinBits() + ")" : ""));
            }
            if (bits > rules.rsaMaxBits()) {
                throw CaException.refused("key-too-large", "the profile allows RSA keys of at most " + rules.rsaMaxBits()
                        + " bits, this one has " + bits);
            }
            return "RSA_" + bits;
        }
        if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            String curve = checkEc(spki);
            if (!rules.ecCurves().contains(curve)) {
                throw CaException.refused("key-not-allowed", "the profile does not allow " + curve + " keys");
            }
            return "EC_" + curve.replace("-", "");
        }
        if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
            if (spki.getAlgorithm().getParameters() != null || spki.getPublicKeyData().getBytes().length != 32) {
                throw CaException.badRequest("key-malformed", "the Ed25519 key is not encoded as RFC 8410 says");
            }
            if (!rules.ed25519()) {
                throw CaException.refused("key-not-allowed", "the profile does not allow Ed25519 keys");
            }
            return "ED25519";
        }
        throw CaException.refused("weak-key", "key algorithm " + alg.getId() + " is not accepted");
    }

    private static int checkRsa(SubjectPublicKeyInfo spki) {
        if (!DERNull.INSTANCE.equals(spki.getAlgorithm().getParameters())) {
            throw CaException.badRequest("key-malformed", "rsaEncryption parameters must be NULL");
        }
        RSAPublicKey key;
        try {
            key = RSAPublicKey.getInstance(spki.parsePublicKey());
        } catch (IOException | IllegalArgumentException e) {
            throw CaException.badRequest("key-malformed", "the RSA key does not parse");
        }
        BigInteger n = key.getModulus();
        BigInteger e = key.getPublicExponent();
        int bits = n.bitLength();
        if (n.signum() <= 0 || bits < 2048) {
            throw CaException.refused("weak-key", "RSA keys must have at least 2048 bits, this one has " + bits);
        }
        if (bits > KeyRules.LARGEST_RSA_BITS) {
            throw CaException.refused("key-too-large", "RSA keys may have at most " + KeyRules.LARGEST_RSA_BITS
                    + " bits, this one has " + bits);
        }
        if (!n.testBit(0) || !n.gcd(SMALL_PRIMES).equals(BigInteger.ONE)) {
            throw CaException.refused("weak-key", "the RSA modulus has a small factor");
        }
        if (!e.testBit(0) || e.compareTo(MIN_EXPONENT) < 0 || e.compareTo(MAX_EXPONENT) >= 0) {
            throw CaException.refused("weak-key", "the RSA public exponent must be odd, at least 65537 and below 2^256");
        }
        return bits;
    }

    private static String checkEc(SubjectPublicKeyInfo spki) {
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier oid)) {
            throw CaException.refused("weak-key", "EC keys must name their curve (namedCurve)");
        }
        String curve = CURVES.get(oid);
        if (curve == null) {
            throw CaException.refused("weak-key", "curve " + oid.getId() + " is not P-256, P-384 or P-521");
        }
        try {
            // Decoding the point checks that it lies on the curve and is not the point at infinity.
            PublicKeyFactory.createKey(spki);
        } catch (IOException | IllegalArgumentException e) {
            throw CaException.badRequest("key-malformed", "the EC point is not on " + curve);
        }
        return curve;
    }
}
