package dev.signet.web;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditQuery;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.cli.SignetCommand;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import dev.signet.web.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup and restore commands, run in-process beside real servers. */
class BackupRestoreTest {

    private static final Path SAMPLE_PROFILE = Path.of("..", "samples", "profiles", "internal-web.json").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** A server with the demo setup: no passphrase configured, so one is generated into {@code data/secrets}. */
    private static TestServer startDemo(Path data) {
        SignetConfig config = new ConfigLoader(Map.of()).load(null, data, 0);
        return TestServer.of(SignetServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    private static TestServer startWithPassphraseFile(Path data, Path passphraseFile, Path configDir) throws IOException {
        Path config = Files.writeString(configDir.resolve("restored.properties"),
                "hsm.software.passphraseFile=" + passphraseFile + "\n");
        SignetConfig c = new ConfigLoader(Map.of()).load(config, data, 0);
        return TestServer.of(SignetServer.start(c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    private static String issuingCa(TestServer s, String token) throws Exception {
        for (JsonNode ca : TestServer.json(s.get("/api/v1/cas", token))) {
            if (ca.hasNonNull("parentId")) {
                return ca.get("id").asText();
            }
        }
        throw new AssertionError("no issuing CA");
    }

    private static JsonNode issue(TestServer s, String ca, String token, String dnsName) throws Exception {
        HttpResponse<String> r = s.postJson("/api/v1/cas/" + ca + "/certificates", token,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem(dnsName)));
        assertEquals(201, r.statusCode(), r.body());
        return TestServer.json(r);
    }

    private static List<Path> filesBelow(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void a_backup_taken_while_the_server_issues_restores_into_a_server_with_the_same_certificates_keys_and_audit_chain()
            throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        Path restored = dir.resolve("restored");
        Files.createDirectories(data.resolve("profiles"));
        Files.copy(SAMPLE_PROFILE, data.resolve("profiles").resolve("internal-web.json"));

        List<String> serials = new ArrayList<>();
        String issuing;
        String officer;
        String auditor;
        X509Certificate issuingCert;
        String lateSerial;
        long headInManifest;
        TestServer original = startDemo(data);
        try {
            officer = original.token("officer");
            auditor = original.token("auditor");
            issuing = issuingCa(original, auditor);
            JsonNode first = null;
            for (int i = 0; i < 3; i++) {
                JsonNode c = issue(original, issuing, officer, "host" + i + ".example.com");
                first = first == null ? c : first;
                serials.add(c.get("serial").asText());
            }
            String chainPem = first.get("chainPem").asText();
            issuingCert = TestCertificates.certificate(chainPem);

            // Issuance goes on while the backup runs: the snapshot must still be consistent.
            CompletableFuture<Integer> busy = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try {
                    for (; n < 20; n++) {
                        issue(original, issuing, officer, "busy" + n + ".example.com");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return n;
            });
            Result b = run("backup", "--data", data.toString(), "--to", backup.toString());
            assertEquals(20, busy.get(60, TimeUnit.SECONDS));
            assertEquals(0, b.exit(), b.err());
            assertTrue(b.out().contains("warning: the HSM passphrase is the generated demo one"), b.out());
            assertTrue(b.out().contains("save it separately"), b.out());

            JsonNode manifest = Json.MAPPER.readTree(backup.resolve("signet-backup.json").toFile());
            assertEquals(1, manifest.get("formatVersion").asInt());
            headInManifest = manifest.get("auditHeadSeq").asLong();
            List<String> listed = new ArrayList<>();
            manifest.get("files").forEach(f -> listed.add(f.get("path").asText()));
            assertTrue(listed.contains("signet.db") && listed.contains("keys/hsm.properties")
                    && listed.contains("profiles/internal-web.json"), listed.toString());
            try (Stream<Path> keys = Files.list(data.resolve("keys").resolve("keys"))) {
                for (Path k : keys.toList()) {
                    assertTrue(listed.contains("keys/keys/" + k.getFileName()), k + " missing from " + listed);
                }
            }
            assertFalse(listed.contains("keys/hsm.lock"), listed.toString());

            // The passphrase stays behind: no secrets directory, and no file of the backup holds it.
            byte[] passphrase = Files.readString(data.resolve("secrets").resolve("hsm-passphrase")).strip()
                    .getBytes(StandardCharsets.UTF_8);
            for (Path f : filesBelow(backup)) {
                assertFalse(backup.relativize(f).toString().contains("secrets"), f.toString());
                assertFalse(contains(Files.readAllBytes(f), passphrase), f + " holds the passphrase");
            }

            List<AuditEntry> backups = original.server.services().auditLog()
                    .list(new AuditQuery(null, "backup.create", null, null, 0, 10)).items();
            assertEquals(1, backups.size());
            assertTrue(backups.get(0).details().contains("\"auditHeadSeq\":" + headInManifest), backups.get(0).details());
            assertTrue(backups.get(0).seq() > headInManifest, "the backup's own entry comes after its snapshot");

            lateSerial = issue(original, issuing, officer, "late.example.com").get("serial").asText();
        } finally {
            original.close();
        }

        Result r = run("restore", "--from", backup.toString(), "--data", restored.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("passphrase"), r.out());
        assertFalse(Files.exists(restored.resolve("secrets")));

        TestServer copy = startWithPassphraseFile(restored, data.resolve("secrets").resolve("hsm-passphrase"), dir);
        try {
            // The tokens are in the database, so they came along.
            for (String serial : serials) {
                assertEquals(200, copy.get("/api/v1/cas/" + issuing + "/certificates/" + serial, auditor).statusCode(), serial);
            }
            assertEquals(404, copy.get("/api/v1/cas/" + issuing + "/certificates/" + lateSerial, auditor).statusCode(),
                    "issued after the snapshot, so not in the backup");
            assertEquals(200, copy.get("/api/v1/profiles/internal-web", officer).statusCode());

            JsonNode verify = TestServer.json(copy.get("/api/v1/audit/verify", auditor));
            assertTrue(verify.get("intact").asBoolean(), verify.toString());
            assertTrue(verify.get("entriesChecked").asLong() > headInManifest, verify.toString());
            List<AuditEntry> restores = copy.server.services().auditLog()
                    .list(new AuditQuery(null, "backup.restore", null, null, 0, 10)).items();
            assertEquals(1, restores.size());
            assertEquals(headInManifest + 1, restores.get(0).seq());

            // The issuing CA's key was restored: a new certificate verifies under the CA certificate issued before.
            X509Certificate leaf = TestCertificates.certificate(issue(copy, issuing, officer, "after.example.com").get("certificatePem").asText());
            leaf.verify(issuingCert.getPublicKey());
        } finally {
            copy.close();
        }
        Result audit = run("audit", "verify", "--data", restored.toString(), "--config", dir.resolve("restored.properties").toString());
        assertEquals(0, audit.exit(), audit.err() + audit.out());
        assertTrue(audit.out().startsWith("audit chain intact"), audit.out());
    }

    @Test
    void a_corrupted_or_incomplete_backup_is_refused_naming_the_file_and_nothing_is_written() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        assertEquals(0, run("init", "--data", data.toString()).exit());
        Result b = run("backup", "--data", data.toString(), "--to", backup.toString());
        assertEquals(0, b.exit(), b.err());

        Path key;
        try (Stream<Path> keys = Files.list(backup.resolve("keys").resolve("keys"))) {
            key = keys.sorted().findFirst().orElseThrow();
        }
        String keyName = "keys/keys/" + key.getFileName();
        byte[] original = Files.readAllBytes(key);
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 0x01;
        Files.write(key, flipped);
        Path target = dir.resolve("target");
        Result refused = run("restore", "--from", backup.toString(), "--data", target.toString());
        assertEquals(1, refused.exit());
        assertEquals("signet: backup file " + keyName + " does not match its SHA-256 in the manifest", refused.err().strip());
        assertFalse(Files.exists(target), "nothing written");

        Files.write(key, original);
        Path db = backup.resolve("signet.db");
        byte[] dbBytes = Files.readAllBytes(db);
        Files.delete(db);
        Result missing = run("restore", "--from", backup.toString(), "--data", target.toString());
        assertEquals(1, missing.exit());
        assertEquals("signet: backup file signet.db is missing", missing.err().strip());
        assertFalse(Files.exists(target), "nothing written");
        Files.write(db, dbBytes);

        // A manifest cannot send a file outside the target.
        Path manifest = backup.resolve("signet-backup.json");
        String manifestText = Files.readString(manifest);
        Files.writeString(manifest, manifestText.replace("\"" + keyName + "\"", "\"keys/../../outside.key\""));
        Result unsafe = run("restore", "--from", backup.toString(), "--data", target.toString());
        assertEquals(1, unsafe.exit());
        assertTrue(unsafe.err().contains("unsafe path: 'keys/../../outside.key'"), unsafe.err());
        assertFalse(Files.exists(target), "nothing written");
        Files.writeString(manifest, manifestText);

        Result intoExisting = run("restore", "--from", backup.toString(), "--data", data.toString());
        assertEquals(1, intoExisting.exit());
        assertTrue(intoExisting.err().contains("already holds a database"), intoExisting.err());

        Result again = run("backup", "--data", data.toString(), "--to", backup.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("is not empty"), again.err());
        assertEquals(2, run("backup", "--data", data.toString()).exit(), "--to is required");

        // The undamaged backup restores.
        Result ok = run("restore", "--from", backup.toString(), "--data", target.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(Files.isRegularFile(target.resolve("signet.db")));
    }

    @Test
    void with_the_pkcs11_backend_the_backup_says_the_keys_stay_in_the_token() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("init", "--data", data.toString()).exit());
        Path pin = Files.writeString(dir.resolve("pin"), "1234\n");
        Path config = Files.writeString(dir.resolve("pkcs11.properties"), String.join("\n",
                "hsm.backend=pkcs11", "hsm.pkcs11.library=" + pin, "hsm.pkcs11.tokenLabel=signet", "hsm.pkcs11.pinFile=" + pin, ""));
        Path backup = dir.resolve("backup");
        Result b = run("backup", "--data", data.toString(), "--config", config.toString(), "--to", backup.toString());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().contains("the CA keys are in the PKCS#11 token, not in this backup"), b.out());
        assertFalse(Files.exists(backup.resolve("keys")));
        assertEquals("pkcs11", Json.MAPPER.readTree(backup.resolve("signet-backup.json").toFile()).get("hsmBackend").asText());
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
