package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup copies a SQLite file; on PostgreSQL it refuses before touching anything and names the tools to use. */
class PostgresBackupRefusalTest {

    @TempDir
    Path dir;

    @Test
    void backup_and_restore_on_postgresql_refuse_and_point_to_pg_dump_and_the_hsm_backup() throws Exception {
        Path secret = dir.resolve("db-password");
        Files.writeString(secret, "pw");
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, """
                database:
                  url: jdbc:postgresql://127.0.0.1:1/nowhere
                  user: signet
                  passwordFile: %s
                """.formatted(secret));
        Path out = dir.resolve("backup");
        Result backup = run("backup", "--config", config.toString(), "--data", dir.resolve("data").toString(), "--to", out.toString());
        assertNotEquals(0, backup.exit());
        assertTrue(backup.err().contains("pg_dump") && backup.err().contains("HSM"), backup.err());
        assertFalse(Files.exists(out), "nothing written");

        Result restore = run("restore", "--config", config.toString(), "--data", dir.resolve("data").toString(), "--from", dir.toString());
        assertNotEquals(0, restore.exit());
        assertTrue(restore.err().contains("pg_restore"), restore.err());
    }
}
