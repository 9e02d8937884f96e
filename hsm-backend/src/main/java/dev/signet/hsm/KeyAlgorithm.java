package dev.signet.hsm;

/** The kinds of key a backend can generate. Names match the public contract (CONTRACT.md). */
public enum KeyAlgorithm {
    EC_P256(Family.EC, 256),
    EC_P384(Family.EC, 384),
    RSA_2048(Family.RSA, 2048),
    RSA_3072(Family.RSA, 3072),
    RSA_4096(Family.RSA, 4096),
    ED25519(Family.EDDSA, 255),
    AES_256(Family.AES, 256);

    /** Key families: a signature algorithm fits a key when their families match. */
    public enum Family { RSA, EC, EDDSA, AES }

    private final Family family;
    private final int bits;

    KeyAlgorithm(Family family, int bits) {
        this.family = family;
        this.bits = bits;
    }

    public Family family() {
        return family;
    }

    public int bits() {
        return bits;
    }

    public boolean isSymmetric() {
        return family == Family.AES;
    }

    /** Parses a contract name such as {@code EC_P256}; throws {@link IllegalArgumentException} naming the choices. */
    public static KeyAlgorithm parse(String name) {
        for (KeyAlgorithm a : values()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown key algorithm '" + name + "'; expected one of "
                + java.util.Arrays.toString(values()));
    }
}
