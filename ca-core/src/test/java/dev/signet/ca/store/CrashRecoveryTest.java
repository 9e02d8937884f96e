package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditVerification;
import dev.signet.ca.CertificateQuery;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process mid-stream (SIGKILL, no shutdown hook) and reopens its database: every
 * certificate whose store had returned is there, complete, and the audit chain is unbroken.
 */
/** About the SQLite file itself; the PostgreSQL side has PostgresDatabaseTest. */
@org.junit.jupiter.api.Tag("sqlite-only")
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void a_killed_writer_loses_no_acknowledged_certificate_and_leaves_no_half_record() throws Exception {
        Path file = dir.resolve("signet.db");
        try (Database db = Database.open(file)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 200 && (line = out.readLine()) != null) {
                acknowledged.add(line);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(200, acknowledged.size(), "the writer should have stored 200 certificates before it was killed");

        try (Database db = Database.open(file)) {
            CertificateStore certs = new CertificateStore(db);
            List<String> missing = new ArrayList<>();
            for (String serial : acknowledged) {
                if (certs.find("root", serial).isEmpty()) {
                    missing.add(serial);
                }
            }
            assertEquals(List.of(), missing);
            // Whatever was in flight is either reserved, stored, or absent; each stored row is complete
            // (the schema's CHECK constraints hold) and each change has its audit entry.
            long stored = certs.search(new CertificateQuery("root", null, null, null, null, 0, 1)).total();
            long reserved = db.read(dsl -> dsl.fetchCount(dev.signet.ca.store.schema.Tables.CERTIFICATE,
                    dev.signet.ca.store.schema.Tables.CERTIFICATE.STATUS.eq("reserved")));
            AuditLog audit = new AuditLog(db);
            AuditVerification v = audit.verify();
            assertTrue(v.intact(), String.valueOf(v.firstBreak()));
            assertEquals(1 + 2 * stored + reserved, v.entriesChecked(), "one entry per reservation and per store, plus the CA");
        }
    }
}
