package dev.signet.web.cli;

import dev.signet.ca.Accounts;
import dev.signet.ca.ApiToken;
import dev.signet.ca.Storage;
import dev.signet.ca.IssuedToken;
import dev.signet.ca.VisibleText;
import dev.signet.web.auth.Role;
import dev.signet.web.config.SignetConfig;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API token and print it, alone on the last line of stdout. "
                    + "Works whether or not a server runs on the data directory.")
    static final class Create implements Runnable {

        @Spec
        CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, officer, signer or auditor.")
        String role;

        @Option(names = "--name", paramLabel = "NAME", description = "A name to recognise the token by (default: cli-<role>).")
        String name;

        @Option(names = "--identity", paramLabel = "ID", description = "Signer identity a signer token may use (repeatable).")
        List<String> identities = List.of();

        @Option(names = "--expires", paramLabel = "INSTANT", description = "Expiry, ISO-8601 (e.g. 2030-01-01T00:00:00Z); default none.")
        String expires;

        @Override
        public void run() {
            try {
                Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Instant expiry = null;
            if (expires != null) {
                try {
                    expiry = Instant.parse(expires);
                } catch (DateTimeParseException e) {
                    throw new ParameterException(spec.commandLine(), "--expires must be an ISO-8601 instant");
                }
            }
            // Only the database: no HSM needed, so this is quick and works beside a running server (WAL).
            try (Storage db = openDatabase(store)) {
                IssuedToken t = new Accounts(db).createToken(name == null ? "cli-" + role : name, role,
                        new LinkedHashSet<>(identities), expiry, "cli:" + System.getProperty("user.name", "unknown"));
                System.out.println(t.secret());
            }
        }
    }

    /** Opens only the database of an existing data directory. */
    static Storage openDatabase(StoreOptions store) {
        return dev.signet.web.Services.openExistingDatabase(store.load(null));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List API tokens: id, role, state, name (never the secrets).")
    static final class ListTokens implements Runnable {

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Storage db = openDatabase(store)) {
                Instant now = Instant.now();
                System.out.printf("%-36s %-8s %-8s %s%n", "ID", "ROLE", "STATE", "NAME");
                for (ApiToken t : new Accounts(db).listTokens()) {
                    String state = t.revoked() != null ? "revoked" : t.activeAt(now) ? "active" : "expired";
                    // Names written before names were checked may hold escape codes: never print them raw.
                    System.out.printf("%-36s %-8s %-8s %s%n", t.id(), t.role(), state, VisibleText.escaped(t.name()));
                }
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API token by id (see: token list).")
    static final class Revoke implements Runnable {

        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "TOKEN_ID", description = "The token's id.")
        String id;

        @Override
        public void run() {
            try (Storage db = openDatabase(store)) {
                new Accounts(db).revokeToken(id, "cli:" + System.getProperty("user.name", "unknown"));
                System.out.println("revoked " + id);
            }
        }
    }
}
