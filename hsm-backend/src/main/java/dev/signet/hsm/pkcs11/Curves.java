package dev.signet.hsm.pkcs11;

import dev.signet.hsm.KeyAlgorithm;
import java.util.Arrays;
import java.util.HexFormat;

/** CKA_EC_PARAMS encodings of the curves Signet uses (DER OBJECT IDENTIFIERs, RFC 5480 / RFC 8410). */
final class Curves {

    static final byte[] P256 = HexFormat.of().parseHex("06082a8648ce3d030107");
    static final byte[] P384 = HexFormat.of().parseHex("06052b81040022");
    static final byte[] ED25519 = HexFormat.of().parseHex("06032b6570");
    /** PKCS#11 3.0 also allows the curve name as a PrintableString; some tokens report that form. */
    static final byte[] ED25519_NAME = HexFormat.of().parseHex("130c656477617264733235353139");

    private Curves() {
    }

    static byte[] ecParams(KeyAlgorithm algorithm) {
        return switch (algorithm) {
            case EC_P256 -> P256.clone();
            case EC_P384 -> P384.clone();
            case ED25519 -> ED25519.clone();
            default -> throw new IllegalArgumentException(algorithm + " is not an elliptic-curve key");
        };
    }

    /** The algorithm for EC params read from a CKK_EC / CKK_EC_EDWARDS key, or null if Signet does not use that curve. */
    static KeyAlgorithm algorithmOf(byte[] ecParams) {
        if (Arrays.equals(ecParams, P256)) {
            return KeyAlgorithm.EC_P256;
        }
        if (Arrays.equals(ecParams, P384)) {
            return KeyAlgorithm.EC_P384;
        }
        if (Arrays.equals(ecParams, ED25519) || Arrays.equals(ecParams, ED25519_NAME)) {
            return KeyAlgorithm.ED25519;
        }
        return null;
    }

    /** The JCA curve name for an ECDSA key algorithm. */
    static String jcaName(KeyAlgorithm algorithm) {
        return switch (algorithm) {
            case EC_P256 -> "secp256r1";
            case EC_P384 -> "secp384r1";
            default -> throw new IllegalArgumentException(algorithm + " is not an ECDSA key");
        };
    }

    /** Bytes in one coordinate (and in r or s of a signature). */
    static int fieldBytes(KeyAlgorithm algorithm) {
        return switch (algorithm) {
            case EC_P256 -> 32;
            case EC_P384 -> 48;
            case ED25519 -> 32;
            default -> throw new IllegalArgumentException(algorithm + " is not an elliptic-curve key");
        };
    }
}
