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

    @Test
    void several_files_are_encrypted_each_under_its_own_data_key_and_decrypted_together_or_not_at_all() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"))) {
            var keys = s.server.services().dataKeys();
            keys.create("exports", "test");
            String secret = s.server.services().access().createToken("export-job", "signer", Set.of(), null, "test").secret();
            String id = s.server.services().access().findBySecret(secret).orElseThrow().id();
            keys.grant("exports", id, true, true, "test");
            Path plain = Files.createDirectories(dir.resolve("plain"));
            Path sealed = Files.createDirectories(dir.resolve("sealed"));
            Path back = Files.createDirectories(dir.resolve("back"));
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("data", "encrypt", "--url", s.base,
                    "--token", secret, "--key", "exports", "--context", "job=nightly", "--out", sealed.toString()));
            byte[][] contents = new byte[3][];
            for (int i = 0; i < 3; i++) {
                contents[i] = new byte[1000 + i];
                new SecureRandom().nextBytes(contents[i]);
                Files.write(plain.resolve("part" + i + ".csv"), contents[i]);
                args.add("--in");
                args.add(plain.resolve("part" + i + ".csv").toString());
            }
            CliRun.Result enc = CliRun.run(args.toArray(new String[0]));
            assertEquals(0, enc.exit(), enc.err());
            java.util.Set<String> wrappedKeys = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                wrappedKeys.add(Files.readAllLines(sealed.resolve("part" + i + ".csv.sgn"), StandardCharsets.ISO_8859_1).get(1));
            }
            assertEquals(3, wrappedKeys.size(), "a data key of its own per file");

            java.util.List<String> dec = new java.util.ArrayList<>(java.util.List.of("data", "decrypt", "--url", s.base,
                    "--token", secret, "--context", "job=nightly", "--out", back.toString()));
            for (int i = 0; i < 3; i++) {
                dec.add("--in");
                dec.add(sealed.resolve("part" + i + ".csv.sgn").toString());
            }
            CliRun.Result ok = CliRun.run(dec.toArray(new String[0]));
            assertEquals(0, ok.exit(), ok.err());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(contents[i], Files.readAllBytes(back.resolve("part" + i + ".csv")));
                Files.delete(back.resolve("part" + i + ".csv"));
            }

            // One envelope whose wrapped key was changed: the batch answers 400, and no file is written.
            Path one = sealed.resolve("part1.csv.sgn");
            String text = Files.readString(one, StandardCharsets.ISO_8859_1);
            String wrapped = text.split("\n")[1];
            String changed = wrapped.substring(0, wrapped.length() - 3) + (wrapped.charAt(wrapped.length() - 3) == 'A' ? 'B' : 'A')
                    + wrapped.substring(wrapped.length() - 2);
            Files.writeString(one, text.replace(wrapped, changed), StandardCharsets.ISO_8859_1);
            CliRun.Result bad = CliRun.run(dec.toArray(new String[0]));
            assertEquals(1, bad.exit(), bad.err());
            assertTrue(bad.err().contains("400"), bad.err());
            try (var left = Files.list(back)) {
                assertEquals(0, left.count(), "nothing written");
            }
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
