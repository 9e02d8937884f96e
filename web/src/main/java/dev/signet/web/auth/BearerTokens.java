package dev.signet.web.auth;

import dev.signet.ca.Accounts;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API tokens: 256 random bits, shown once, stored only as their SHA-256. A plain hash is enough
 * (no slow KDF) because the token is uniformly random, not a human-chosen password.
 */
public final class BearerTokens {

    /** Tokens start with this, so a leaked one is easy to recognise in a scan. */
    public static final String PREFIX = Accounts.TOKEN_PREFIX;

    private static final SecureRandom RANDOM = new SecureRandom();

    private BearerTokens() {}

    /**
     * A fresh token in the store's format: the prefix and 32 random bytes in unpadded base64url
     * (43 characters). Production tokens are made by the store; this serves tests of the HTTP layer.
     */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a token (lower-case hex SHA-256), exactly as the store computes it. */
    public static String hash(String token) {
        return Accounts.tokenHash(token);
    }

    /** Whether a presented token has the right shape at all (checked before any lookup). */
    public static boolean wellFormed(String token) {
        if (token == null || token.length() != PREFIX.length() + 43 || !token.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
