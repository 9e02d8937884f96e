package dev.signet.hsm.pkcs11;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Builds JDK public keys from the attributes of token public-key objects. */
final class PublicKeys {

    /** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410) up to the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private PublicKeys() {
    }

    static PublicKey rsa(BigInteger modulus, BigInteger publicExponent) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, publicExponent));
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("the token returned an unusable RSA public key", e);
        }
    }

    static PublicKey ec(KeyAlgorithm algorithm, byte[] ecPointAttribute) {
        int n = Curves.fieldBytes(algorithm);
        byte[] point = unwrapOctetString(ecPointAttribute, 1 + 2 * n);
        if (point[0] != 0x04) {
            throw new HsmException.BackendFailure("the token returned a compressed or malformed EC point", null);
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + n));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + n, 1 + 2 * n));
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec(Curves.jcaName(algorithm)));
            ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("the token returned an unusable EC public key", e);
        }
    }

    static PublicKey ed25519(byte[] ecPointAttribute) {
        byte[] raw = unwrapOctetString(ecPointAttribute, 32);
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("the token returned an unusable Ed25519 public key", e);
        }
    }

    /**
     * CKA_EC_POINT is a DER OCTET STRING around the point, but some tokens (and the wrapper's
     * compatibility fixes) give the bare point: accept both, told apart by length.
     */
    private static byte[] unwrapOctetString(byte[] value, int pointLength) {
        if (value != null && value.length == pointLength) {
            return value;
        }
        if (value != null && pointLength < 128 && value.length == pointLength + 2
                && value[0] == 0x04 && value[1] == pointLength) {
            return Arrays.copyOfRange(value, 2, value.length);
        }
        if (value != null && pointLength >= 128 && pointLength < 256 && value.length == pointLength + 3
                && value[0] == 0x04 && (value[1] & 0xff) == 0x81 && (value[2] & 0xff) == pointLength) {
            return Arrays.copyOfRange(value, 3, value.length);
        }
        throw new HsmException.BackendFailure("the token returned a malformed CKA_EC_POINT", null);
    }
}
