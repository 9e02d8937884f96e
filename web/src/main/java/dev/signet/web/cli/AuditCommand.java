package dev.signet.web.cli;

import dev.signet.ca.audit.AuditVerification;
import dev.signet.web.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit chain.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify the audit hash chain and its HSM-signed checkpoints; exit 1 if broken.")
    static final class Verify implements java.util.concurrent.Callable<Integer> {

        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Services s = Services.open(store.load(null))) {
                AuditVerification v = s.auditLog().verify();
                if (v.intact()) {
                    System.out.printf("audit chain intact: %d entries, %d checkpoints checked%n",
                            v.entriesChecked(), v.checkpointsChecked());
                    return 0;
                }
                System.out.printf("audit chain BROKEN at entry %d: %s%n", v.firstBreak().seq(), v.firstBreak().reason());
                return 1;
            }
        }
    }
}
