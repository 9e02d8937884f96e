package dev.signet.hsm;

/**
 * Signature schemes the boundary offers. Each fixes the key family and the digest, so a caller
 * cannot combine, say, an RSA key with ECDSA.
 */
public enum SignatureAlgorithm {
    RSA_PKCS1_SHA256(KeyAlgorithm.Family.RSA, "SHA-256", "SHA256withRSA"),
    RSA_PKCS1_SHA384(KeyAlgorithm.Family.RSA, "SHA-384", "SHA384withRSA"),
    RSA_PKCS1_SHA512(KeyAlgorithm.Family.RSA, "SHA-512", "SHA512withRSA"),
    RSA_PSS_SHA256(KeyAlgorithm.Family.RSA, "SHA-256", "SHA256withRSAandMGF1"),
    RSA_PSS_SHA384(KeyAlgorithm.Family.RSA, "SHA-384", "SHA384withRSAandMGF1"),
    RSA_PSS_SHA512(KeyAlgorithm.Family.RSA, "SHA-512", "SHA512withRSAandMGF1"),
    ECDSA_SHA256(KeyAlgorithm.Family.EC, "SHA-256", "SHA256withECDSA"),
    ECDSA_SHA384(KeyAlgorithm.Family.EC, "SHA-384", "SHA384withECDSA"),
    ECDSA_SHA512(KeyAlgorithm.Family.EC, "SHA-512", "SHA512withECDSA"),
    /** Pure Ed25519 (RFC 8032): signs the whole message, so it has no digest form. */
    ED25519(KeyAlgorithm.Family.EDDSA, null, "Ed25519");

    private final KeyAlgorithm.Family family;
    private final String digest;
    private final String jcaName;

    SignatureAlgorithm(KeyAlgorithm.Family family, String digest, String jcaName) {
        this.family = family;
        this.digest = digest;
        this.jcaName = jcaName;
    }

    public KeyAlgorithm.Family keyFamily() {
        return family;
    }

    /** JCA digest name (e.g. {@code SHA-256}), or null for pure Ed25519. */
    public String digestAlgorithm() {
        return digest;
    }

    /**
     * The JCA / Bouncy Castle signature name (PSS names use MGF1 with the same digest and a salt
     * as long as the digest, the RFC 4055 / RFC 8017 recommendation).
     */
    public String jcaName() {
        return jcaName;
    }

    public boolean isPss() {
        return this == RSA_PSS_SHA256 || this == RSA_PSS_SHA384 || this == RSA_PSS_SHA512;
    }

    public boolean fits(KeyAlgorithm key) {
        return key.family() == family;
    }

    /** The scheme a CA uses by default with a key of this algorithm. */
    public static SignatureAlgorithm defaultFor(KeyAlgorithm key) {
        return switch (key) {
            case EC_P256 -> ECDSA_SHA256;
            case EC_P384 -> ECDSA_SHA384;
            case RSA_2048, RSA_3072, RSA_4096 -> RSA_PKCS1_SHA256;
            case ED25519 -> ED25519;
            case AES_256 -> throw new HsmException.AlgorithmMismatch("AES_256 keys cannot sign");
        };
    }
}
