package dev.signet.ca.profile;

import java.util.Set;

/**
 * Which subject keys a profile accepts. {@code rsaMinBits} 0 means no RSA; {@code rsaMaxBits} bounds
 * RSA keys from above ({@value #DEFAULT_RSA_MAX_BITS} unless the profile says otherwise: a larger
 * modulus only costs the CA CPU); curves are the NIST names {@code P-256}, {@code P-384},
 * {@code P-521}. Weak keys are refused whatever the profile says (see the issuance key checks); a
 * profile can only narrow further.
 */
public record KeyRules(int rsaMinBits, int rsaMaxBits, Set<String> ecCurves, boolean ed25519) {

    /** Curves a profile may name: those issuance accepts at all. */
    public static final Set<String> KNOWN_CURVES = Set.of("P-256", "P-384", "P-521");
    public static final int DEFAULT_RSA_MAX_BITS = 4096;
    /** No profile may accept more: checking such a key's signature takes seconds of CPU. */
    public static final int LARGEST_RSA_BITS = 8192;

    public KeyRules {
        ecCurves = Set.copyOf(ecCurves);
    }

    public KeyRules(int rsaMinBits, Set<String> ecCurves, boolean ed25519) {
        this(rsaMinBits, DEFAULT_RSA_MAX_BITS, ecCurves, ed25519);
    }

    public boolean allowsRsa() {
        return rsaMinBits > 0;
    }
}
