package dev.signet.web.cli;

import dev.signet.ca.AuditExpectations;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.ExpectedCheckpoint;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.Storage;
import dev.signet.web.config.SignetConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.security.PublicKey;
import dev.signet.web.Services;
import picocli.CommandLine;
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
            description = "Verify the audit hash chain and its HSM-signed checkpoints; exit 6 if broken. Besides each "
                    + "entry's hash and each checkpoint's signature (by the audit key only), it demands a checkpoint at "
                    + "least every " + Services.CHECKPOINT_INTERVAL + " entries, a signed head (once the server is "
                    + "stopped; on a live one, within two minutes), a non-empty chain in a used database, and every "
                    + "--expect checkpoint. With --audit-key, checkpoints are checked against that pinned public key "
                    + "and only the database is opened: this works beside a running server and on a backup, with no HSM.")
    static final class Verify implements java.util.concurrent.Callable<Integer> {

        @Mixin
        StoreOptions store;

        @Option(names = "--audit-key", paramLabel = "PEM",
                description = "The audit key's public key (PEM), e.g. publicKeyPem from GET /api/v1/keys/signet-audit.")
        Path auditKey;

        @Option(names = "--expect", paramLabel = "SEQ:HEAD",
                description = "A checkpoint the chain must contain, as the server logged it ('audit checkpoint: "
                        + "entries 1-SEQ ... head HEAD') and you kept elsewhere; repeatable. Catches a chain truncated "
                        + "or rewritten up to it.")
        List<String> expect = new ArrayList<>();

        @Option(names = "--stopped",
                description = "The server is stopped, so its last entry must be signed. Implied when the software HSM "
                        + "is opened (it is locked by the server while one runs).")
        boolean stopped;

        @Override
        public Integer call() {
            List<ExpectedCheckpoint> expected = new ArrayList<>();
            for (String e : expect) {
                try {
                    expected.add(ExpectedCheckpoint.parse(e));
                } catch (IllegalArgumentException bad) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--expect " + e + ": " + bad.getMessage());
                }
            }
            AuditExpectations rules = AuditExpectations.signedEvery(Services.CHECKPOINT_INTERVAL,
                    Storage.CHECKPOINT_MAX_DELAY, Instant.now()).expecting(expected);
            if (auditKey != null) {
                PublicKey pinned = PublicKeyPem.read(auditKey);
                try (Storage db = TokenCommand.openDatabase(store)) {
                    // Every checkpoint must verify under the pinned key, whatever label it names.
                    return report(new AuditTrail(db).verify(pinned, stopped ? rules.stopped() : rules));
                }
            }
            SignetConfig config = store.load(null);
            // The software HSM is locked by a running server: holding it here proves none runs.
            boolean locked = "software".equals(config.hsm().backend());
            return report(Services.verifyAudit(config, stopped || locked ? rules.stopped() : rules));
        }

        @Spec
        CommandSpec spec;

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
