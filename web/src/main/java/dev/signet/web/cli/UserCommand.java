package dev.signet.web.cli;

import dev.signet.ca.Accounts;
import dev.signet.ca.Storage;
import dev.signet.ca.UserRecord;
import dev.signet.web.auth.Passwords;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.UserNames;
import dev.signet.web.config.SignetConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage web UI users.",
        subcommands = {UserCommand.Create.class})
final class UserCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a web UI user. The password is read from the first line of stdin with "
                    + "--password-stdin; otherwise a random one is generated and printed, alone on one line. "
                    + "Passwords are never taken from the command line (it shows in process lists and history).")
    static final class Create implements Runnable {

        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Option(names = "--username", required = true, paramLabel = "NAME", description = "Login name.")
        String username;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, officer, signer or auditor.")
        String role;

        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
        boolean passwordStdin;

        @Override
        public void run() {
            try {
                Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            String problem = UserNames.problem(username);
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), problem);
            }
            String password = passwordStdin ? readLine() : Passwords.generate();
            String weak = Passwords.weakness(password);
            if (weak != null) {
                throw new IllegalArgumentException(weak);
            }
            SignetConfig config = store.load(null);
            try (Storage db = dev.signet.web.Services.openExistingDatabase(config)) {
                new Accounts(db).createUser(new UserRecord(username, Passwords.hash(password), role, Instant.now(), false),
                        "cli:" + System.getProperty("user.name", "unknown"));
            }
            if (!passwordStdin) {
                System.out.println(password);
            }
        }

        private static String readLine() {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = in.readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("--password-stdin: no password on stdin");
                }
                return line;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password from stdin", e);
            }
        }
    }
}
