package dev.signet.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EDDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_PSS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_RSA_PKCS_PSS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_RSA_PKCS_PSS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_RSA_PKCS_PSS;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.SignatureAlgorithm;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_PSS_PARAMS;

/**
 * The PKCS#11 mechanisms behind each {@link SignatureAlgorithm}, and the encodings around them.
 * Mechanism objects are created per call: the wrapper mutates them when they are used.
 */
final class SignatureMechanisms {

    private SignatureMechanisms() {
    }

    /** The mechanism that hashes and signs a whole message (not for ECDSA, which is hashed here). */
    static Mechanism forMessage(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_PKCS1_SHA256 -> new Mechanism(CKM_SHA256_RSA_PKCS);
            case RSA_PKCS1_SHA384 -> new Mechanism(CKM_SHA384_RSA_PKCS);
            case RSA_PKCS1_SHA512 -> new Mechanism(CKM_SHA512_RSA_PKCS);
            case RSA_PSS_SHA256 -> new Mechanism(CKM_SHA256_RSA_PKCS_PSS, pssParams(algorithm));
            case RSA_PSS_SHA384 -> new Mechanism(CKM_SHA384_RSA_PKCS_PSS, pssParams(algorithm));
            case RSA_PSS_SHA512 -> new Mechanism(CKM_SHA512_RSA_PKCS_PSS, pssParams(algorithm));
            case ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512 -> new Mechanism(CKM_ECDSA);
            case ED25519 -> new Mechanism(CKM_EDDSA);
        };
    }

    /** The mechanism that signs a precomputed digest (as prepared by {@link #digestInput}). */
    static Mechanism forDigest(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512 -> new Mechanism(CKM_RSA_PKCS);
            case RSA_PSS_SHA256, RSA_PSS_SHA384, RSA_PSS_SHA512 -> new Mechanism(CKM_RSA_PKCS_PSS, pssParams(algorithm));
            case ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512 -> new Mechanism(CKM_ECDSA);
            case ED25519 -> throw new HsmException.Unsupported("pure Ed25519 signs whole messages; it has no digest form");
        };
    }

    /**
     * What the token signs for a digest: RSA PKCS#1 v1.5 wants the DER DigestInfo (RFC 8017 9.2),
     * PSS and ECDSA the bare digest.
     */
    static byte[] digestInput(SignatureAlgorithm algorithm, byte[] digest) {
        int expected = digestLength(algorithm);
        if (digest == null || digest.length != expected) {
            throw new IllegalArgumentException(algorithm + " needs a " + expected + "-byte "
                    + algorithm.digestAlgorithm() + " digest, got " + (digest == null ? "none" : digest.length + " bytes"));
        }
        byte[] prefix = switch (algorithm) {
            case RSA_PKCS1_SHA256 -> DIGEST_INFO_SHA256;
            case RSA_PKCS1_SHA384 -> DIGEST_INFO_SHA384;
            case RSA_PKCS1_SHA512 -> DIGEST_INFO_SHA512;
            default -> null;
        };
        if (prefix == null) {
            return digest;
        }
        byte[] out = Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, out, prefix.length, digest.length);
        return out;
    }

    /**
     * A raw ECDSA signature r || s (PKCS#11's format) as the DER SEQUENCE of two INTEGERs that
     * X.509 and CMS expect. Written by hand because it is on every ECDSA signature's path and is
     * this small; fits curves up to P-384 and beyond (long-form length when needed).
     */
    static byte[] ecdsaToDer(byte[] raw) {
        if (raw.length == 0 || raw.length % 2 != 0 || raw.length > 250) {
            throw new HsmException.BackendFailure("the token returned a malformed ECDSA signature", null);
        }
        int half = raw.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(raw, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length)).toByteArray();
        int body = 2 + r.length + 2 + s.length;
        int header = body < 128 ? 2 : 3;
        byte[] der = new byte[header + body];
        der[0] = 0x30;
        if (body < 128) {
            der[1] = (byte) body;
        } else {
            der[1] = (byte) 0x81;
            der[2] = (byte) body;
        }
        int at = header;
        der[at++] = 0x02;
        der[at++] = (byte) r.length;
        System.arraycopy(r, 0, der, at, r.length);
        at += r.length;
        der[at++] = 0x02;
        der[at++] = (byte) s.length;
        System.arraycopy(s, 0, der, at, s.length);
        return der;
    }

    private static int digestLength(SignatureAlgorithm algorithm) {
        return switch (algorithm.digestAlgorithm()) {
            case "SHA-256" -> 32;
            case "SHA-384" -> 48;
            case "SHA-512" -> 64;
            default -> throw new IllegalArgumentException("unexpected digest " + algorithm.digestAlgorithm());
        };
    }

    /** PSS as {@link SignatureAlgorithm#jcaName()} promises: MGF1 with the same hash, salt as long as the hash. */
    private static RSA_PKCS_PSS_PARAMS pssParams(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_PSS_SHA256 -> new RSA_PKCS_PSS_PARAMS(CKM_SHA256, CKG_MGF1_SHA256, 32);
            case RSA_PSS_SHA384 -> new RSA_PKCS_PSS_PARAMS(CKM_SHA384, CKG_MGF1_SHA384, 48);
            case RSA_PSS_SHA512 -> new RSA_PKCS_PSS_PARAMS(CKM_SHA512, CKG_MGF1_SHA512, 64);
            default -> throw new IllegalArgumentException(algorithm + " is not PSS");
        };
    }

    // DER DigestInfo prefixes, RFC 8017 section 9.2 note 1.
    private static final byte[] DIGEST_INFO_SHA256 = HexFormat.of().parseHex("3031300d060960864801650304020105000420");
    private static final byte[] DIGEST_INFO_SHA384 = HexFormat.of().parseHex("3041300d060960864801650304020205000430");
    private static final byte[] DIGEST_INFO_SHA512 = HexFormat.of().parseHex("3051300d060960864801650304020305000440");
}
