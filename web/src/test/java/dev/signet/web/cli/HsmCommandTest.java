package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditTrail;
import dev.signet.ca.DatabaseConfig;
import dev.signet.ca.Storage;
import dev.signet.web.SignetServer;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet hsm change-passphrase}: offline, audited, refused beside a running server. */
class HsmCommandTest {

    private static final String NEW = "the new passphrase after a leak 2026";

    @TempDir
    Path dir;

    @Test
    void the_new_passphrase_opens_the_same_keys_the_old_one_is_refused_and_the_change_is_audited() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data", data.toString()).exit());
        String oldPassphrase = Files.readString(data.resolve("secrets").resolve("hsm-passphrase")).strip();
        Result before = run("keys", "list", "--data", data.toString());
        assertEquals(0, before.exit(), before.err());
        Path newFile = dir.resolve("new-passphrase");
        Files.writeString(newFile, NEW + "\n");

        Result change = run("hsm", "change-passphrase", "--data", data.toString(), "--new-passphrase-file", newFile.toString());

        assertEquals(0, change.exit(), change.err());
        assertTrue(change.out().matches("(?s).*passphrase of the software HSM in .* changed: \\d+ keys re-sealed.*"), change.out());
        assertTrue(change.out().contains("generated file"), "the demo file still holds the old passphrase: " + change.out());
        for (String secret : List.of(NEW, oldPassphrase)) {
            assertFalse(change.out().contains(secret) || change.err().contains(secret), "a passphrase was printed");
        }

        // The generated file still holds the old passphrase: refused with the usual error.
        Result old = run("keys", "list", "--data", data.toString());
        assertEquals(5, old.exit(), old.out());
        assertTrue(old.err().contains("wrong passphrase"), old.err());

        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "hsm:\n  software:\n    passphraseFile: " + newFile + "\n");
        Result after = run("keys", "list", "--config", config.toString(), "--data", data.toString());
        assertEquals(0, after.exit(), after.err());
        assertEquals(before.out(), after.out(), "the same keys, labels, purposes and creation times");
        Result audit = run("audit", "verify", "--config", config.toString(), "--data", data.toString());
        assertEquals(0, audit.exit(), audit.out() + audit.err());

        try (Storage db = Storage.openWithoutAuditKey(DatabaseConfig.sqlite(data.resolve("signet.db")))) {
            List<AuditEntry> entries = new AuditTrail(db).list(0, 1000).items();
            AuditEntry e = entries.stream().filter(x -> x.action().equals("hsm.passphrase.change")).findFirst().orElseThrow();
            assertTrue(e.actor().startsWith("cli:"), e.actor());
            assertTrue(e.details().contains("\"keys\"") && e.details().contains("file:" + newFile), e.details());
            assertTrue(entries.stream().noneMatch(x -> x.details().contains(NEW) || x.details().contains(oldPassphrase)),
                    "no passphrase in the audit chain");
        }

        // The old passphrase (still in the generated file) is refused as the current one, and nothing moves.
        Result again = run("hsm", "change-passphrase", "--data", data.toString(), "--new-passphrase-file", newFile.toString());
        assertEquals(5, again.exit(), again.out());
        assertTrue(again.err().contains("wrong passphrase"), again.err());
        assertEquals(0, run("keys", "list", "--config", config.toString(), "--data", data.toString()).exit());
    }

    @Test
    void a_backup_after_the_change_restores_a_store_that_the_new_passphrase_opens() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data", data.toString()).exit());
        Path newFile = dir.resolve("new-passphrase");
        Files.writeString(newFile, NEW + "\n");
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "hsm:\n  software:\n    passphraseFile: " + newFile + "\n");
        assertEquals(0, run("hsm", "change-passphrase", "--data", data.toString(), "--new-passphrase-file", newFile.toString()).exit());
        Result before = run("keys", "list", "--config", config.toString(), "--data", data.toString());
        assertEquals(0, before.exit(), before.err());

        Result backup = run("backup", "--config", config.toString(), "--data", data.toString(), "--to", dir.resolve("backup").toString());
        assertEquals(0, backup.exit(), backup.err());
        assertTrue(Files.isRegularFile(dir.resolve("backup").resolve("keys").resolve("keys.2").resolve("signet-audit.key")),
                "the backup holds the generation the metadata names");
        Path restored = dir.resolve("restored");
        Result restore = run("restore", "--config", config.toString(), "--from", dir.resolve("backup").toString(), "--data", restored.toString());
        assertEquals(0, restore.exit(), restore.err());

        Result after = run("keys", "list", "--config", config.toString(), "--data", restored.toString());
        assertEquals(0, after.exit(), after.err());
        assertEquals(before.out(), after.out());
    }

    @Test
    void a_running_server_holds_the_store_and_the_change_is_refused_with_the_reason() throws Exception {
        Path data = dir.resolve("data");
        Path current = dir.resolve("current");
        Files.writeString(current, "current passphrase\n");
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "hsm:\n  software:\n    passphraseFile: " + current + "\n");
        Path newFile = dir.resolve("new-passphrase");
        Files.writeString(newFile, NEW + "\n");
        try (SignetServer server = SignetServer.start(new ConfigLoader(Map.of()).load(config, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            Result r = run("hsm", "change-passphrase", "--config", config.toString(), "--data", data.toString(),
                    "--new-passphrase-file", newFile.toString());
            assertEquals(5, r.exit(), r.out());
            assertTrue(r.err().contains("in use by another process") && r.err().contains("stop the server"), r.err());
        }
        // Nothing changed: the current passphrase still opens the store.
        Result list = run("keys", "list", "--config", config.toString(), "--data", data.toString());
        assertEquals(0, list.exit(), list.err());
    }

    @Test
    void without_a_new_passphrase_nothing_is_opened() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data", data.toString()).exit());
        Result r = run("hsm", "change-passphrase", "--data", data.toString(), "--new-passphrase-file", dir.resolve("missing").toString());
        assertEquals(5, r.exit(), r.out());
        assertTrue(r.err().contains("cannot read secret file"), r.err());
        assertEquals(0, run("keys", "list", "--data", data.toString()).exit(), "the old passphrase still opens the store");
    }
}
