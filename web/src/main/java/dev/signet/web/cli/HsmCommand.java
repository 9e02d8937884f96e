package dev.signet.web.cli;

import dev.signet.ca.AuditEvent;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.SecretSource;
import dev.signet.web.Services;
import dev.signet.web.config.SignetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "hsm", mixinStandardHelpOptions = true, description = "Look after the software HSM's key store.",
        subcommands = {HsmCommand.ChangePassphrase.class})
final class HsmCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Changes the software store's passphrase offline: the current one is read as serve reads it
     * (hsm.software.passphraseFile or passphraseEnv, SIGNET_HSM_PASSPHRASE, the generated demo
     * file), the new one from a file or an environment variable, never from the command line. The
     * store then reopens with the new passphrase (the proof that it works) to sign the audit event.
     */
    @Command(name = "change-passphrase", mixinStandardHelpOptions = true,
            description = "Change the software HSM's passphrase: every key is re-sealed under the new one and the old one "
                    + "stops working; keys, CAs and certificates stay as they are. The server must be stopped (the key "
                    + "directory's lock is checked). The current passphrase is read as serve reads it; the new one from "
                    + "--new-passphrase-file or " + ChangePassphrase.NEW_PASSPHRASE_ENV + ". An interrupted change leaves "
                    + "the store opening with exactly one of the two; run the command again with the one that works. "
                    + "Backups made before keep opening with the old passphrase only.")
    static final class ChangePassphrase implements Runnable {

        static final String NEW_PASSPHRASE_ENV = "SIGNET_HSM_NEW_PASSPHRASE";

        @Mixin
        StoreOptions store;

        @Option(names = "--new-passphrase-file", paramLabel = "FILE",
                description = "A file holding the new passphrase (surrounding whitespace ignored). Default: the environment "
                        + "variable " + NEW_PASSPHRASE_ENV + ".")
        Path newPassphraseFile;

        @Override
        public void run() {
            SignetConfig config = store.load(null);
            if (!(config.hsm().config() instanceof HsmConfig.Software software)) {
                throw new IllegalStateException("hsm.backend is pkcs11: change the token's PIN with its own tools "
                        + "(e.g. softhsm2-util or pkcs11-tool --change-pin) and then hsm.pkcs11.pinFile or pinEnv");
            }
            SecretSource next = newPassphraseFile != null ? SecretSource.file(newPassphraseFile) : SecretSource.env(NEW_PASSPHRASE_ENV);
            // Read once here so that a missing or empty new passphrase stops the command before anything is opened.
            java.util.Arrays.fill(next.read(), '\0');
            boolean audited = databaseExists(config);

            int keys = Hsms.changeSoftwarePassphrase(software, next);
            System.out.printf("passphrase of the software HSM in %s changed: %d keys re-sealed; the old passphrase no longer opens it%n",
                    software.directory(), keys);

            if (audited) {
                // Through the new passphrase: the event is signed by the audit key like the server's own.
                SignetConfig reopened = config.withHsm(new SignetConfig.Hsm(new HsmConfig.Software(software.directory(), next), null));
                try (Services s = Services.open(reopened)) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("keys", keys);
                    details.put("newPassphraseFrom", next.toString());
                    s.auditLog().record(AuditEvent.of(BackupCommand.actor(), "hsm.passphrase.change", "hsm",
                            software.directory().toString(), details));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("the passphrase was changed, but recording it in the audit log failed: "
                            + SignetCommand.message(e), e);
                }
            } else {
                System.out.println("no database at " + config.databaseFile() + ": the change is not in an audit log");
            }
            if (config.hsm().generatedPassphraseFile() != null
                    && software.passphrase().equals(SecretSource.file(config.hsm().generatedPassphraseFile()))) {
                System.out.println("the old passphrase came from the generated file " + config.hsm().generatedPassphraseFile()
                        + ", which still holds it: start serve with the new one (hsm.software.passphraseFile, "
                        + "hsm.software.passphraseEnv or SIGNET_HSM_PASSPHRASE), and delete that file");
            } else {
                System.out.println("start serve with the new passphrase: replace the old one where the configuration reads it ("
                        + software.passphrase() + ")");
            }
        }

        private static boolean databaseExists(SignetConfig config) {
            return config.databaseFile() == null || Files.isRegularFile(config.databaseFile());
        }
    }
}
