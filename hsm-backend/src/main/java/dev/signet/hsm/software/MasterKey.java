package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.SecretSource;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.util.Strings;

/**
 * The key that seals every key file: derived once, at open, from the passphrase with scrypt
 * (memory-hard, so guessing passphrases offline costs memory as well as time). The scrypt
 * parameters and a random salt are kept in the directory's metadata together with a sealed check
 * value, so a wrong passphrase is reported as such instead of surfacing later as unreadable keys.
 *
 * <p>Two formats: {@code /1} (every store as created, its keys in {@code keys/}) and {@code /2},
 * written only by a passphrase change ({@link PassphraseChange}), which adds
 * {@code keys.generation=N}: the keys sealed under this master key are in {@code keys.N/}. The
 * generation is part of the check value's associated data like the salt, and version 1 readers
 * refuse format 2 instead of reading a key directory sealed under another key.
 */
final class MasterKey {

    static final String FORMAT = "signet-software-hsm/1";
    static final String FORMAT_2 = "signet-software-hsm/2";
    static final String GENERATION = "keys.generation";
    /** Far beyond any number of passphrase changes; keeps directory names short and the parse simple. */
    private static final int MAX_GENERATION = 1_000_000;
    private static final int SALT_LENGTH = 32;
    private static final byte[] CHECK_PLAINTEXT =
            "signet software hsm: the passphrase is right".getBytes(StandardCharsets.US_ASCII);

    /**
     * scrypt cost. The default (N = 2^15, r = 8, p = 1: 32 MiB) is the usual interactive setting;
     * it takes about 0.2 s warm and 0.6 s in a freshly started JVM on our machines. Bounds on
     * what a metadata file may ask for keep a hostile file from exhausting memory.
     */
    record KdfParams(int log2N, int r, int p) {
        static final KdfParams DEFAULT = new KdfParams(15, 8, 1);

        KdfParams {
            if (log2N < 10 || log2N > 22 || r < 1 || r > 32 || p < 1 || p > 16) {
                throw new IllegalArgumentException("scrypt parameters out of range: log2N=" + log2N + " r=" + r + " p=" + p);
            }
        }
    }

    private final SecretKeySpec key;
    private final SecureRandom random;
    private final KdfParams params;
    private final int generation;

    private MasterKey(SecretKeySpec key, SecureRandom random, KdfParams params, int generation) {
        this.key = key;
        this.random = random;
        this.params = params;
        this.generation = generation;
    }

    /** Creates new metadata (fresh salt, check value) for an empty directory: format 1, generation 1. */
    static Created create(SecretSource passphrase, KdfParams params, SecureRandom random) {
        return create(passphrase, params, random, 1);
    }

    /**
     * Creates new metadata (fresh salt, check value) whose keys live in generation {@code generation}'s
     * directory: format 1 for generation 1 (as every store is created), format 2 above.
     */
    static Created create(SecretSource passphrase, KdfParams params, SecureRandom random, int generation) {
        if (generation < 1 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("key generation out of range: " + generation);
        }
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        MasterKey master = derive(passphrase, salt, params, random, generation);
        Map<String, String> meta = header(params, salt, generation);
        byte[] check = master.seal(CHECK_PLAINTEXT, checkAad(meta));
        meta.put("check", Base64.getEncoder().encodeToString(check));
        return new Created(master, meta);
    }

    record Created(MasterKey master, Map<String, String> metadata) {
    }

    /**
     * Derives the key from existing metadata and verifies it against the check value.
     *
     * @throws HsmException.KeyIntegrity if the passphrase is wrong or the metadata was altered
     */
    static MasterKey open(SecretSource passphrase, Map<String, String> meta, String metaName, SecureRandom random) {
        KdfParams params;
        byte[] salt;
        byte[] check;
        int generation = generation(meta, metaName);
        try {
            if (!"scrypt".equals(meta.get("kdf"))) {
                throw new IllegalArgumentException("unknown kdf");
            }
            params = new KdfParams(Integer.parseInt(required(meta, "kdf.log2N")),
                    Integer.parseInt(required(meta, "kdf.r")), Integer.parseInt(required(meta, "kdf.p")));
            salt = Base64.getDecoder().decode(required(meta, "salt"));
            check = Base64.getDecoder().decode(required(meta, "check"));
        } catch (IllegalArgumentException e) {
            throw new HsmException.KeyIntegrity("master key", "the metadata file " + metaName + " is damaged ("
                    + e.getMessage() + ")");
        }
        MasterKey master = derive(passphrase, salt, params, random, generation);
        try {
            byte[] plain = master.open(check, checkAad(header(params, salt, generation)));
            if (!Arrays.equals(plain, CHECK_PLAINTEXT)) {
                throw new AEADBadTagException();
            }
        } catch (AEADBadTagException e) {
            throw new HsmException.KeyIntegrity("master key",
                    "wrong passphrase (or the metadata file " + metaName + " was altered)");
        }
        return master;
    }

    /**
     * Which key directory the metadata names: 1 ({@code keys/}) for format 1, the
     * {@code keys.generation} field for format 2. Read before the passphrase is checked (to find the
     * keys); {@link #open} then authenticates it as part of the check value's associated data.
     *
     * @throws HsmException.KeyIntegrity if the format is unknown or the field is missing or malformed
     */
    static int generation(Map<String, String> meta, String metaName) {
        String format = meta.get("format");
        String field = meta.get(GENERATION);
        try {
            if (FORMAT.equals(format)) {
                if (field != null) {
                    throw new IllegalArgumentException(GENERATION + " in a format 1 file");
                }
                return 1;
            }
            if (!FORMAT_2.equals(format)) {
                throw new IllegalArgumentException("unknown format");
            }
            if (field == null || !field.matches("[1-9][0-9]{0,6}")) {
                throw new IllegalArgumentException(field == null ? "missing " + GENERATION : "bad " + GENERATION);
            }
            int g = Integer.parseInt(field);
            if (g < 2 || g > MAX_GENERATION) {
                throw new IllegalArgumentException(GENERATION + " out of range");
            }
            return g;
        } catch (IllegalArgumentException e) {
            throw new HsmException.KeyIntegrity("master key", "the metadata file " + metaName + " is damaged ("
                    + e.getMessage() + ")");
        }
    }

    KdfParams params() {
        return params;
    }

    /** The generation of the key directory whose files this key seals. */
    int generation() {
        return generation;
    }

    private static String required(Map<String, String> meta, String name) {
        String v = meta.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }

    private static Map<String, String> header(KdfParams params, byte[] salt, int generation) {
        Map<String, String> m = new LinkedHashMap<>();
        // Generation 1 is exactly the format 1 header, so every existing check value still verifies.
        m.put("format", generation == 1 ? FORMAT : FORMAT_2);
        m.put("kdf", "scrypt");
        m.put("kdf.log2N", Integer.toString(params.log2N()));
        m.put("kdf.r", Integer.toString(params.r()));
        m.put("kdf.p", Integer.toString(params.p()));
        m.put("salt", Base64.getEncoder().encodeToString(salt));
        if (generation != 1) {
            m.put(GENERATION, Integer.toString(generation));
        }
        return m;
    }

    /** The check value is bound to the KDF parameters, salt and generation, so editing them is detected too. */
    private static byte[] checkAad(Map<String, String> header) {
        StringBuilder b = new StringBuilder("check\n");
        header.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static MasterKey derive(SecretSource source, byte[] salt, KdfParams params, SecureRandom random, int generation) {
        char[] chars = source.read();
        byte[] bytes = null;
        byte[] derived = null;
        try {
            bytes = Strings.toUTF8ByteArray(chars);
            derived = SCrypt.generate(bytes, salt, 1 << params.log2N(), params.r(), params.p(), 32);
            return new MasterKey(new SecretKeySpec(derived, "AES"), random, params, generation);
        } finally {
            Arrays.fill(chars, '\0');
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
            if (derived != null) {
                Arrays.fill(derived, (byte) 0);
            }
        }
    }

    /** Seals with AES-256-GCM under the master key. */
    byte[] seal(byte[] plaintext, byte[] aad) {
        return AesGcm.seal(key, random, plaintext, aad);
    }

    /** Reverses {@link #seal}; a wrong key, altered data or altered AAD all give {@link AEADBadTagException}. */
    byte[] open(byte[] sealed, byte[] aad) throws AEADBadTagException {
        return AesGcm.open(key, sealed, aad);
    }

    @Override
    public String toString() {
        return "MasterKey[sealed]";
    }
}
