package dev.signet.web.cli;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.Storage;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.web.config.SignetConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a data directory into a new directory: a consistent database snapshot, the software "
                + "HSM's sealed key files, the operator profiles and a manifest with their SHA-256. "
                + "Works while a server runs. The HSM passphrase is never copied.")
final class BackupCommand implements Runnable {

    /** backup copies a SQLite file; a PostgreSQL database has its own tools, and so has the HSM its keys. */
    static final String POSTGRES_REFUSAL = "backup works on the SQLite database only; this configuration uses PostgreSQL "
            + "(database.url). Back up the database with pg_dump (e.g. pg_dump --format=custom --file=signet.dump DB, "
            + "or the server's continuous archiving), and the keys with the HSM's own backup (for a PKCS#11 token, "
            + "its vendor's tools); see README, \"PostgreSQL\"";

    @Mixin
    StoreOptions store;

    @Option(names = "--to", required = true, paramLabel = "OUTDIR", description = "Where to write the backup: a new or empty directory.")
    Path to;

    @Override
    public void run() {
        SignetConfig config = store.load(null);
        if (config.databaseFile() == null) {
            throw new IllegalStateException(POSTGRES_REFUSAL);
        }
        Path out = to.toAbsolutePath().normalize();
        refuseUnlessEmpty(out);
        try (Storage db = TokenCommand.openDatabase(store)) {
            PrivateFiles.createDirectories(out);
            List<String> files = new ArrayList<>();
            // The database first: keys are only ever added, so every key the snapshot refers to is
            // already on disk when the key files are copied after it.
            Path snapshot = out.resolve(BackupManifest.DATABASE);
            long auditHeadSeq = db.snapshotInto(snapshot);
            PrivateFiles.restrict(snapshot, "rw-------");
            files.add(BackupManifest.DATABASE);
            if (config.hsm().config() instanceof HsmConfig.Software software) {
                files.addAll(copyKeyFiles(software, out.resolve(BackupManifest.KEYS)));
            }
            files.addAll(copyProfiles(config, out.resolve(BackupManifest.PROFILES)));

            List<BackupManifest.Entry> entries = files.stream().map(f -> BackupManifest.measure(out, f)).toList();
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT_VERSION, Instant.now(),
                    config.hsm().backend(), auditHeadSeq, entries);
            manifest.write(out);

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("auditHeadSeq", auditHeadSeq);
            details.put("files", entries.size());
            details.put("manifestSha256", BackupManifest.sha256(out.resolve(BackupManifest.FILE_NAME)));
            new AuditTrail(db).record(AuditEvent.of(actor(), "backup.create", "backup", out.toString(),
                    details));

            System.out.printf("backup of %s written to %s: %d files, audit chain head at seq %d%n",
                    config.dataDir(), out, entries.size(), auditHeadSeq);
            if (config.hsm().config() instanceof HsmConfig.Pkcs11) {
                System.out.println("the CA keys are in the PKCS#11 token, not in this backup: back them up with the HSM's own tools");
            }
            // Only when that file is really what unseals the keys (not when the server gets the
            // passphrase from its environment, which this command does not see).
            if (config.hsm().generatedPassphraseFile() != null && Files.isRegularFile(config.hsm().generatedPassphraseFile())) {
                System.out.println("warning: the HSM passphrase is the generated demo one in " + config.hsm().generatedPassphraseFile()
                        + "; it is not in the backup and without it the keys cannot be unsealed: save it separately");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("backup failed: " + e.getMessage(), e);
        }
    }

    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    private static void refuseUnlessEmpty(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalStateException(out + " exists and is not a directory");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalStateException(out + " is not empty; back up into a new or empty directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + out, e);
        }
    }

    /** Copies the software HSM's state files (sealed keys, KDF metadata); returns their paths in the backup. */
    private static List<String> copyKeyFiles(HsmConfig.Software software, Path target) throws IOException {
        List<String> copied = new ArrayList<>();
        for (String relative : Hsms.softwareStateFiles(software)) {
            if (copyIfPresent(software.directory().resolve(relative), target.resolve(relative))) {
                copied.add(BackupManifest.KEYS + "/" + relative);
            }
        }
        return copied;
    }

    private static List<String> copyProfiles(SignetConfig config, Path target) throws IOException {
        Path secrets = config.dataDir().resolve("secrets");
        List<String> copied = new ArrayList<>();
        for (String relative : PrivateFiles.regularFilesBelow(config.profilesDir())) {
            Path source = config.profilesDir().resolve(relative);
            // Whatever profiles.dir is set to, the passphrase never leaves in a backup.
            if (source.startsWith(secrets) || source.equals(config.hsm().generatedPassphraseFile())) {
                continue;
            }
            if (copyIfPresent(source, target.resolve(relative))) {
                copied.add(BackupManifest.PROFILES + "/" + relative);
            }
        }
        return copied;
    }

    /** A key destroyed while the backup runs is not an error: it is simply not in the backup. */
    private static boolean copyIfPresent(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            return false;
        }
        try {
            PrivateFiles.copy(from, to);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
