package dev.signet.web.cli;

import dev.signet.hsm.KeyInfo;
import dev.signet.web.KeyInventory;
import dev.signet.web.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Inspect the HSM's keys.",
        subcommands = {KeysCommand.ListKeys.class})
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List keys: label, purpose, algorithm, creation time, owner (CA, identity or audit), backend (never key material).")
    static final class ListKeys implements Runnable {

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Services s = Services.open(store.load(null))) {
                System.out.printf("%-48s %-15s %-9s %-24s %-40s %s%n", "LABEL", "PURPOSE", "ALGORITHM", "CREATED", "OWNER", "BACKEND");
                for (KeyInventory.Entry e : s.keys().list()) {
                    KeyInfo k = e.info();
                    System.out.printf("%-48s %-15s %-9s %-24s %-40s %s%n", k.label(),
                            k.purpose() == null ? "(none)" : k.purpose(), k.algorithm(),
                            k.created() == null ? "-" : k.created(), e.owner() == null ? "-" : e.owner(), k.backend());
                }
            }
        }
    }
}
