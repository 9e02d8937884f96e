package dev.signet.web.cli;

import dev.signet.hsm.KeyInfo;
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
            description = "List keys: label, algorithm, backend, allowed operations (never key material).")
    static final class ListKeys implements Runnable {

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Services s = Services.open(store.load(null))) {
                System.out.printf("%-40s %-9s %-9s %s%n", "LABEL", "ALGORITHM", "BACKEND", "ALLOWED");
                for (KeyInfo k : s.hsm().list()) {
                    System.out.printf("%-40s %-9s %-9s %s%n", k.label(), k.algorithm(), k.backend(), k.policy().allowed());
                }
            }
        }
    }
}
