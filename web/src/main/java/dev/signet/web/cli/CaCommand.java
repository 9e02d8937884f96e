package dev.signet.web.cli;

import dev.signet.ca.CaInfo;
import dev.signet.ca.NewCa;
import dev.signet.ca.CaRecords;
import dev.signet.ca.Storage;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.web.Services;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ca", mixinStandardHelpOptions = true, description = "Create CAs (offline: stop the server first) and list them (works beside a server).",
        subcommands = {CaCommand.Create.class, CaCommand.ListCas.class})
final class CaCommand implements Runnable {

    static final String ACTOR = "cli";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a root CA, or with --parent a subordinate CA; prints its id.")
    static final class Create implements Runnable {

        @Mixin
        StoreOptions store;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Display name.")
        String name;

        @Option(names = "--subject", required = true, paramLabel = "DN", description = "Subject DN, e.g. 'CN=Example Root,O=Example'.")
        String subject;

        @Option(names = "--parent", paramLabel = "CA_ID", description = "Parent CA id (default: a root CA).")
        String parent;

        @Option(names = "--key-algorithm", paramLabel = "ALG", description = "Key algorithm (default: ${DEFAULT-VALUE}).")
        KeyAlgorithm keyAlgorithm = KeyAlgorithm.EC_P256;

        @Option(names = "--validity-days", paramLabel = "DAYS", description = "Root validity (default: the profile's maximum).")
        Integer validityDays;

        @Option(names = "--profile", paramLabel = "NAME", description = "Profile of a subordinate CA (default: sub-ca).")
        String profile;

        @Override
        public void run() {
            try (Services s = Services.open(store.load(null))) {
                NewCa spec = new NewCa(name, subject, keyAlgorithm,
                        validityDays == null ? null : Duration.ofDays(validityDays), null,
                        s.config().publicBaseUrl().toString());
                CaInfo ca = parent == null
                        ? s.authorities().createRoot(spec, ACTOR)
                        : s.authorities().createSubordinate(parent, spec, profile, ACTOR);
                System.out.println(ca.id());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List CAs: id, status, parent, expiry, name. Reads only the database: works beside a running server.")
    static final class ListCas implements Runnable {

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Storage db = TokenCommand.openDatabase(store)) {
                System.out.printf("%-36s %-8s %-36s %-20s %s%n", "ID", "STATUS", "PARENT", "NOT_AFTER", "NAME");
                for (CaInfo ca : new CaRecords(db).list()) {
                    System.out.printf("%-36s %-8s %-36s %-20s %s%n", ca.id(), ca.status(),
                            ca.parentId() == null ? "-" : ca.parentId(), ca.notAfter() == null ? "-" : ca.notAfter(), ca.name());
                }
            }
        }
    }
}
