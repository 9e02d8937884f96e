package dev.signet.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Argon2id password hashes, checked against the reference implementation (libargon2, the
 * Debian package libargon2-1, called from python3 through ctypes) in both directions.
 */
class PasswordsTest {

    /** Hashes ("hash", password hex, salt hex) or verifies ("verify", password hex, encoded) with libargon2. */
    static final String REFERENCE = String.join("\n",
            "import ctypes, sys",
            "from ctypes import c_uint32, c_void_p, c_size_t, c_char_p",
            "lib = ctypes.CDLL('libargon2.so.1')",
            "lib.argon2id_hash_encoded.argtypes = [c_uint32, c_uint32, c_uint32, c_void_p, c_size_t, c_void_p, c_size_t, c_size_t, c_char_p, c_size_t]",
            "lib.argon2id_verify.argtypes = [c_char_p, c_void_p, c_size_t]",
            "pw = bytes.fromhex(sys.argv[2])",
            "if sys.argv[1] == 'hash':",
            "    salt = bytes.fromhex(sys.argv[3]); out = ctypes.create_string_buffer(512)",
            "    rc = lib.argon2id_hash_encoded(2, 19456, 1, pw, len(pw), salt, len(salt), 32, out, 512)",
            "    print(out.value.decode() if rc == 0 else 'error %d' % rc)",
            "else:",
            "    print('ok' if lib.argon2id_verify(sys.argv[3].encode(), pw, len(pw)) == 0 else 'mismatch')");

    static final String PASSWORD = "correct horse battery ✓ staple";

    @Test
    void a_hash_made_here_verifies_with_the_reference_library() throws Exception {
        String encoded = Passwords.hash(PASSWORD);
        assertTrue(encoded.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), encoded);
        assertEquals("ok", reference("verify", PASSWORD, encoded));
        assertEquals("mismatch", reference("verify", PASSWORD + "x", encoded));
    }

    @Test
    void a_hash_made_by_the_reference_library_verifies_here() throws Exception {
        String encoded = reference("hash", PASSWORD, HexFormat.of().formatHex("sixteen byte slt".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(encoded.startsWith("$argon2id$"), encoded);
        assertTrue(Passwords.verify(PASSWORD, encoded));
        assertFalse(Passwords.verify("correct horse battery ✓ stapler", encoded));
    }

    @Test
    void the_same_password_hashes_differently_each_time() {
        String a = Passwords.hash(PASSWORD);
        String b = Passwords.hash(PASSWORD);
        assertNotEquals(a, b);
        assertTrue(Passwords.verify(PASSWORD, a));
        assertTrue(Passwords.verify(PASSWORD, b));
    }

    @Test
    void malformed_or_foreign_hashes_never_verify() {
        String good = Passwords.hash(PASSWORD);
        for (String bad : List.of("", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
                good.replace("m=19456", "m=99999999"), good.replace("t=2", "t=x"), good.substring(0, good.lastIndexOf('$')),
                "$scrypt$whatever")) {
            assertFalse(Passwords.verify(PASSWORD, bad), bad);
        }
        assertFalse(Passwords.verify("x".repeat(Passwords.MAX_PASSWORD_CHARS + 1), good));
    }

    @Test
    void weak_new_passwords_are_named_and_generated_ones_are_not_weak() {
        assertTrue(Passwords.weakness("short").contains("12"));
        assertEquals(null, Passwords.weakness("twelve chars"));
        String generated = Passwords.generate();
        assertEquals(20, generated.length());
        assertEquals(null, Passwords.weakness(generated));
        assertNotEquals(generated, Passwords.generate());
    }

    private static String reference(String op, String password, String third) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", REFERENCE, op,
                HexFormat.of().formatHex(password.getBytes(StandardCharsets.UTF_8)), third)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "python3 with libargon2 (Debian libargon2-1) is required: " + out);
        return out;
    }
}
