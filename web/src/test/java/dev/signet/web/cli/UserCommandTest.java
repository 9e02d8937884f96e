package dev.signet.web.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.UserRecord;
import dev.signet.web.SignetServer;
import dev.signet.web.auth.Passwords;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code user create}: the password from stdin or generated and printed, never from the command line. */
class UserCommandTest {

    @TempDir
    Path dir;

    private static Result run(String stdin, String... args) {
        return CliRun.withInput(stdin, args);
    }

    @Test
    void user_create_reads_the_password_from_stdin_or_prints_a_generated_one() {
        Path data = dir.resolve("data");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            Result piped = run("typed password 123\n", "user", "create", "--data", data.toString(),
                    "--username", "olga", "--role", "officer", "--password-stdin");
            assertEquals(0, piped.exit(), piped.err());
            assertEquals("", piped.out().strip(), "nothing printed when the password came from stdin");
            UserRecord olga = server.services().access().findUser("olga").orElseThrow();
            assertEquals("officer", olga.role());
            assertTrue(Passwords.verify("typed password 123", olga.passwordHash()));

            Result generated = run("", "user", "create", "--data", data.toString(), "--username", "gene", "--role", "auditor");
            assertEquals(0, generated.exit(), generated.err());
            String password = generated.out().strip();
            assertEquals(20, password.length(), generated.out());
            assertTrue(Passwords.verify(password, server.services().access().findUser("gene").orElseThrow().passwordHash()));

            Result duplicate = run("another password 1\n", "user", "create", "--data", data.toString(),
                    "--username", "olga", "--role", "admin", "--password-stdin");
            assertEquals(3, duplicate.exit(), "refused: the name is taken");
            assertFalse(duplicate.err().contains("another password"), duplicate.err());
        }
    }

    @Test
    void user_create_refuses_bad_input_with_one_line() {
        Path data = dir.resolve("data");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            assertEquals(2, run("", "user", "create", "--data", data.toString(), "--username", "x", "--role", "root").exit());
            assertEquals(2, run("", "user", "create", "--data", data.toString(), "--username", "bad name", "--role", "auditor").exit());
            // There is no way to pass a password as an argument.
            assertEquals(2, run("", "user", "create", "--data", data.toString(), "--username", "p", "--role", "auditor",
                    "--password", "on the command line").exit());
            Result weak = run("short\n", "user", "create", "--data", data.toString(), "--username", "w", "--role", "auditor",
                    "--password-stdin");
            assertEquals(1, weak.exit());
            assertTrue(weak.err().startsWith("signet: a password needs at least 12"), weak.err());
            assertTrue(server.services().access().findUser("w").isEmpty());
        }
    }
}
