package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet data encrypt|decrypt}: a file through a running server's API, as a script would. */
class DataCommandTest {

    @TempDir
    Path dir;

    @Test
    void a_file_encrypted_through_the_api_decrypts_with_the_same_context_only() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"))) {
            var keys = s.server.services().dataKeys();
            keys.create("backups", "test");
            String secret = s.server.services().access().createToken("backup-job", "signer", Set.of(), null, "test").secret();
            String id = s.server.services().access().findBySecret(secret).orElseThrow().id();
            keys.grant("backups", id, true, true, "test");

            byte[] content = new byte[200_000]; // larger than one API call's 64 KiB: envelope encryption
            new SecureRandom().nextBytes(content);
            Path in = dir.resolve("db.dump");
            Files.write(in, content);
            Path sealed = dir.resolve("db.dump.sgn");
            CliRun.Result enc = CliRun.run("data", "encrypt", "--url", s.base, "--token", secret, "--key", "backups",
                    "--context", "host=db1", "--in", in.toString(), "--out", sealed.toString());
            assertEquals(0, enc.exit(), enc.err());
            byte[] file = Files.readAllBytes(sealed);
            assertTrue(new String(file, 0, 19, StandardCharsets.US_ASCII).startsWith("signet-envelope:v1\n"));
            assertFalse(indexOf(file, content, 0, 64), "the plaintext is not in the envelope");

            Path back = dir.resolve("db.dump.out");
            CliRun.Result wrong = CliRun.run("data", "decrypt", "--url", s.base, "--token", secret,
                    "--context", "host=db2", "--in", sealed.toString(), "--out", back.toString());
            assertEquals(1, wrong.exit());
            assertTrue(wrong.err().contains("400"), wrong.err());
            assertFalse(Files.exists(back));

            CliRun.Result dec = CliRun.run("data", "decrypt", "--url", s.base, "--token", secret,
                    "--context", "host=db1", "--in", sealed.toString(), "--out", back.toString());
            assertEquals(0, dec.exit(), dec.err());
            assertArrayEquals(content, Files.readAllBytes(back));

            file[file.length - 1] ^= 1;
            Files.write(sealed, file);
            CliRun.Result tampered = CliRun.run("data", "decrypt", "--url", s.base, "--token", secret,
                    "--context", "host=db1", "--in", sealed.toString(), "--out", dir.resolve("t").toString());
            assertEquals(1, tampered.exit());
            assertTrue(tampered.err().contains("changed"), tampered.err());
        }
    }

    private static boolean indexOf(byte[] haystack, byte[] needle, int from, int length) {
        outer:
        for (int i = 0; i + length <= haystack.length; i++) {
            for (int j = 0; j < length; j++) {
                if (haystack[i + j] != needle[from + j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
