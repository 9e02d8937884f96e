package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.Services;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify} against a data directory tampered with while the server was stopped, with
 * plain SQL as someone holding the file would: deleting checkpoints, the whole chain, or its end.
 */
class AuditVerifyCommandTest {

    @TempDir
    Path dir;

    private Path data;
    private Path pinned;

    @BeforeEach
    void initialise() throws Exception {
        data = dir.resolve("data");
        Result init = run("init", "--data", data.toString());
        assertEquals(0, init.exit(), init.err());
        try (Services s = Services.open(new ConfigLoader(System.getenv()).load(null, data, null))) {
            byte[] spki = s.signingKeys(dev.signet.hsm.KeyPurpose.AUDIT).find(Services.AUDIT_KEY_LABEL).orElseThrow()
                    .publicKey().getEncoded();
            pinned = Files.writeString(dir.resolve("audit.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("signet.db"))) {
            c.createStatement().executeUpdate(statement);
        }
    }

    private String head() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("signet.db"));
             ResultSet r = c.createStatement().executeQuery("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")) {
            r.next();
            return r.getLong(1) + ":" + HexFormat.of().formatHex(r.getBytes(2));
        }
    }

    private void assertBroken(String why, String... args) {
        Result r = run(args);
        assertEquals(ExitCodes.INTEGRITY, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("BROKEN") && r.out().contains(why), r.out());
    }

    @Test
    void an_untouched_stopped_server_verifies_with_and_without_the_pinned_key_and_with_its_logged_head() throws Exception {
        String logged = head();
        for (String[] args : new String[][] {
                {"audit", "verify", "--data", data.toString(), "--expect", logged},
                {"audit", "verify", "--data", data.toString(), "--audit-key", pinned.toString(), "--stopped", "--expect", logged}}) {
            Result r = run(args);
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().startsWith("audit chain intact"), r.out());
        }
    }

    @Test
    void a_deleted_last_checkpoint_is_found_because_a_stopped_server_signs_its_head() throws Exception {
        sql("DELETE FROM audit_checkpoint WHERE seq = (SELECT max(seq) FROM audit_checkpoint)");
        assertBroken("not covered by a signed checkpoint", "audit", "verify", "--data", data.toString());
        assertBroken("not covered by a signed checkpoint", "audit", "verify", "--data", data.toString(),
                "--audit-key", pinned.toString(), "--stopped");
    }

    @Test
    void a_chain_deleted_with_its_checkpoints_is_found_because_the_database_was_used() throws Exception {
        sql("DELETE FROM audit_entry");
        sql("DELETE FROM audit_checkpoint");
        assertBroken("the chain is empty, but the database holds 2 CAs", "audit", "verify", "--data", data.toString());
        assertBroken("the chain is empty", "audit", "verify", "--data", data.toString(), "--audit-key", pinned.toString());
    }

    @Test
    void a_chain_cut_back_to_an_earlier_checkpoint_is_found_by_the_head_kept_elsewhere() throws Exception {
        String logged = head();
        long seq = Long.parseLong(logged.split(":")[0]);
        // Sign an earlier head (as the server did at some point), then drop everything after it.
        try (Services s = Services.open(new ConfigLoader(System.getenv()).load(null, data, null))) {
            s.auditLog().checkpoint();
        }
        sql("DELETE FROM audit_entry WHERE seq = " + seq);
        sql("DELETE FROM audit_checkpoint WHERE seq >= " + seq);
        try (Services s = Services.open(new ConfigLoader(System.getenv()).load(null, data, null))) {
            s.auditLog().checkpoint(); // the cut chain's head, signed: all that remains is consistent
        }
        Result quiet = run("audit", "verify", "--data", data.toString());
        assertEquals(0, quiet.exit(), "without the logged head a clean cut cannot be seen: " + quiet.out());
        assertBroken("before the expected checkpoint " + logged, "audit", "verify", "--data", data.toString(), "--expect", logged);
        assertBroken("before the expected checkpoint", "audit", "verify", "--data", data.toString(),
                "--audit-key", pinned.toString(), "--expect", logged);
        Result bad = run("audit", "verify", "--data", data.toString(), "--expect", "twelve");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("--expect twelve"), bad.err());
    }
}
