package dev.signet.ca.profile;

import java.util.Set;

/**
 * Which subject keys a profile accepts. {@code rsaMinBits} 0 means no RSA; curves are the NIST
 * names {@code P-256}, {@code P-384}, {@code P-521}. Weak keys are refused whatever the profile
 * says (see the issuance key checks); a profile can only narrow further.
 */
public record KeyRules(int rsaMinBits, Set<String> ecCurves, boolean ed25519) {

    /** Curves a profile may name: those issuance accepts at all. */
    public static final Set<String> KNOWN_CURVES = Set.of("P-256", "P-384", "P-521");

    public KeyRules {
        ecCurves = Set.copyOf(ecCurves);
    }

    public boolean allowsRsa() {
        return rsaMinBits > 0;
    }
}
