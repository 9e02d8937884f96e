package dev.signet.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * UI passwords, hashed with Argon2id (Bouncy Castle) and stored in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, so the parameters can be raised later without
 * breaking stored hashes. Verification compares in constant time.
 */
public final class Passwords {

    /** OWASP's minimum Argon2id setting: 19 MiB, 2 passes, 1 lane. */
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** Longer passwords are refused before hashing: the work is bounded whatever is posted. */
    public static final int MAX_PASSWORD_CHARS = 256;
    public static final int MIN_PASSWORD_CHARS = 12;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final String PREFIX = "$argon2id$v=19$";
    /** A hash of a random password: verified against when the user does not exist, to even out timing. */
    private static final String DUMMY = hash(generate());

    private Passwords() {}

    /** The encoded Argon2id hash of {@code password} with a fresh salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return PREFIX + "m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code encoded}; false for a malformed or unknown hash format. */
    public static boolean verify(String password, String encoded) {
        if (password == null || password.length() > MAX_PASSWORD_CHARS || encoded == null || !encoded.startsWith(PREFIX)) {
            return false;
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$");
        if (parts.length != 3) {
            return false;
        }
        int m;
        int t;
        int p;
        byte[] salt;
        byte[] expected;
        try {
            String[] params = parts[0].split(",");
            if (params.length != 3 || !params[0].startsWith("m=") || !params[1].startsWith("t=") || !params[2].startsWith("p=")) {
                return false;
            }
            m = Integer.parseInt(params[0].substring(2));
            t = Integer.parseInt(params[1].substring(2));
            p = Integer.parseInt(params[2].substring(2));
            salt = B64D.decode(parts[1]);
            expected = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        // Bounds keep a corrupted row from costing gigabytes or minutes.
        if (m < 8 || m > 1 << 20 || t < 1 || t > 16 || p < 1 || p > 16 || salt.length < 8 || expected.length < 16 || expected.length > 64) {
            return false;
        }
        byte[] actual = derive(password, salt, m, t, p, expected.length);
        return MessageDigest.isEqual(actual, expected);
    }

    /** Spends the time of one verification, for a login whose user does not exist. */
    public static void verifyDummy(String password) {
        verify(password == null ? "" : password, DUMMY);
    }

    /** A random password of 20 characters from an unambiguous alphabet (about 115 bits). */
    public static String generate() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Why {@code password} is not acceptable as a new password, or null if it is. */
    public static String weakness(String password) {
        if (password == null || password.length() < MIN_PASSWORD_CHARS) {
            return "a password needs at least " + MIN_PASSWORD_CHARS + " characters";
        }
        if (password.length() > MAX_PASSWORD_CHARS) {
            return "a password may have at most " + MAX_PASSWORD_CHARS + " characters";
        }
        return null;
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
