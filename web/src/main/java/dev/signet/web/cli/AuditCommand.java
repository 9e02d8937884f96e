package dev.signet.web.cli;

import dev.signet.ca.audit.AuditVerification;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.Database;
import java.nio.file.Path;
import java.security.PublicKey;
import dev.signet.web.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
            description = "Verify the audit hash chain and its HSM-signed checkpoints; exit 6 if broken. With "
                    + "--audit-key, checkpoints are checked against that pinned public key and only the database is "
                    + "opened: this works beside a running server and on a backup, with no HSM.")
    static final class Verify implements java.util.concurrent.Callable<Integer> {

        @Mixin
        StoreOptions store;

        @Option(names = "--audit-key", paramLabel = "PEM",
                description = "The audit key's public key (PEM), e.g. publicKeyPem from GET /api/v1/keys/signet-audit.")
        Path auditKey;

        @Override
        public Integer call() {
            if (auditKey != null) {
                PublicKey pinned = PublicKeyPem.read(auditKey);
                try (Database db = TokenCommand.openDatabase(store)) {
                    // Every checkpoint must verify under the pinned key, whatever label it names.
                    return report(new AuditLog(db).verify(label -> pinned));
                }
            }
            try (Services s = Services.open(store.load(null))) {
                return report(s.auditLog().verify());
            }
        }

        private static int report(AuditVerification v) {
            if (v.intact()) {
                System.out.printf("audit chain intact: %d entries, %d checkpoints checked%n",
                        v.entriesChecked(), v.checkpointsChecked());
                return 0;
            }
            System.out.printf("audit chain BROKEN at entry %d: %s%n", v.firstBreak().seq(), v.firstBreak().reason());
            return ExitCodes.INTEGRITY;
        }
    }
}
