package dev.signet.web.cli;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.Storage;
import dev.signet.hsm.HsmConfig;
import dev.signet.web.config.SignetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup (see: backup) into a data directory that holds no database yet. Every file is "
                + "checked against the backup's manifest before anything is written. Start serve on it afterwards "
                + "with the HSM passphrase of the backed-up data directory.")
final class RestoreCommand implements Runnable {

    @Mixin
    StoreOptions store;

    @Option(names = "--from", required = true, paramLabel = "BACKUPDIR", description = "A directory written by backup.")
    Path from;

    @Override
    public void run() {
        Path backup = from.toAbsolutePath().normalize();
        SignetConfig config = store.load(null);
        if (config.databaseFile() == null) {
            throw new IllegalStateException("restore writes a SQLite database; this configuration uses PostgreSQL "
                    + "(database.url): restore it with pg_restore, and the keys with the HSM's own tools");
        }
        BackupManifest manifest = BackupManifest.read(backup);
        Path keyDir = config.hsm().config() instanceof HsmConfig.Software software ? software.directory() : null;
        refuseToOverwrite(config, keyDir, manifest);
        // Everything is checked before the first byte is written, so a damaged backup leaves the target as it was.
        manifest.verify(backup);
        try {
            // The database last: until it is in place, the target does not look like a data directory.
            for (BackupManifest.Entry e : manifest.files()) {
                if (!e.path().equals(BackupManifest.DATABASE)) {
                    PrivateFiles.copy(backup.resolve(e.path()), target(config, keyDir, e.path()));
                }
            }
            PrivateFiles.copy(backup.resolve(BackupManifest.DATABASE), config.databaseFile());
        } catch (IOException e) {
            throw new UncheckedIOException("restore failed: " + e.getMessage(), e);
        }
        // No HSM here, so this entry is not signed yet: the next checkpoint the server signs covers it.
        try (Storage db = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(config.databaseFile()))) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("backupCreated", manifest.created().toString());
            details.put("auditHeadSeq", manifest.auditHeadSeq());
            details.put("files", manifest.files().size());
            new AuditTrail(db).record(AuditEvent.of(BackupCommand.actor(), "backup.restore", "backup",
                    backup.toString(), details));
        }
        System.out.printf("restored %d files from %s (taken %s, audit chain head at seq %d) into %s%n",
                manifest.files().size(), backup, manifest.created(), manifest.auditHeadSeq(), config.dataDir());
        if (manifest.hsmBackend().equals("pkcs11")) {
            System.out.println("the CA keys were in a PKCS#11 token: serve needs that token (or one restored with the HSM's own tools)");
        } else {
            Path demo = config.hsm().generatedPassphraseFile();
            System.out.println("start serve with the HSM passphrase of the backed-up data directory "
                    + "(SIGNET_HSM_PASSPHRASE or hsm.software.passphraseFile"
                    + (demo == null ? "" : ", or a copy of the old demo passphrase file at " + demo) + "); it is not in the backup");
        }
    }

    private static void refuseToOverwrite(SignetConfig config, Path keyDir, BackupManifest manifest) {
        if (Files.exists(config.databaseFile())) {
            throw new IllegalStateException(config.dataDir() + " already holds a database (" + config.databaseFile()
                    + "); restore into a new data directory");
        }
        boolean hasKeys = manifest.files().stream().anyMatch(e -> e.path().startsWith(BackupManifest.KEYS + "/"));
        if (hasKeys && keyDir == null) {
            throw new IllegalStateException("the backup holds software HSM keys but the configuration uses hsm.backend pkcs11");
        }
        for (BackupManifest.Entry e : manifest.files()) {
            Path target = target(config, keyDir, e.path());
            if (Files.exists(target)) {
                throw new IllegalStateException(target + " exists; restore into a new data directory");
            }
        }
    }

    /** Where a backup file goes: the database file, the key directory and the profiles directory the configuration names. */
    private static Path target(SignetConfig config, Path keyDir, String path) {
        if (path.equals(BackupManifest.DATABASE)) {
            return config.databaseFile();
        }
        String keys = BackupManifest.KEYS + "/";
        String profiles = BackupManifest.PROFILES + "/";
        if (path.startsWith(keys) && keyDir != null) {
            return keyDir.resolve(path.substring(keys.length()));
        }
        if (path.startsWith(profiles)) {
            return config.profilesDir().resolve(path.substring(profiles.length()));
        }
        throw new BackupManifest.BadBackupException("the manifest names " + path + ", which is not part of a Signet backup");
    }
}
