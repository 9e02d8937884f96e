package dev.signet.ca.bench;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.NewCa;
import dev.signet.ca.PublishedCrl;
import dev.signet.ca.RevocationSettings;
import dev.signet.ca.Revocations;
import dev.signet.ca.Profiles;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.software.SoftwareHsm;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A CA with a million revoked certificates makes its full CRL: time and peak heap, against the
 * time it takes just to read the same rows from the store (the floor: the ratio says what encoding,
 * hashing, signing and storing add). Then {@code openssl crl} and {@code openssl verify -crl_check}
 * read the CRL. Run with a 256 MB heap to show that it fits (Maven's own objects included):
 *
 * <pre>MAVEN_OPTS=-Xmx256m mvn -B -ntp -q -pl ca-core -am test-compile exec:java@ca-bench -Dexec.mainClass=dev.signet.ca.bench.CrlBenchmark</pre>
 *
 * Argument: [entries, default 1000000].
 */
public final class CrlBenchmark {

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("signet-crl-bench");
        SecretSource pass = new SecretSource.Env("P", Map.of("P", "benchmark passphrase"));
        RevocationSettings settings = new RevocationSettings(Duration.ofHours(24), false, Duration.ofHours(4),
                Duration.ofSeconds(60), Duration.ofHours(4), false, Duration.ofSeconds(1));
        try (Hsm hsm = SoftwareHsm.open(dir.resolve("hsm"), pass);
                Database db = Database.open(dir.resolve("signet.db"))) {
            CaStore cas = new CaStore(db);
            CertificateAuthorities authorities = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA),
                    hsm.signingKeys(KeyPurpose.DOCUMENT), cas, new CertificateStore(db), Profiles.builtIn(), Clock.systemUTC());
            String base = "http://127.0.0.1:8080";
            CaInfo root = authorities.createRoot(new NewCa("Bench Root", "CN=Bench Root", KeyAlgorithm.EC_P256, null, null, base), "bench");
            CaInfo sub = authorities.createSubordinate(root.id(), new NewCa("Bench Issuing", "CN=Bench Issuing",
                    KeyAlgorithm.EC_P256, null, null, base), null, "bench");
            Path csr = dir.resolve("leaf.csr");
            run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", dir.resolve("leaf.key").toString(), "-subj", "/CN=leaf.bench.example",
                    "-addext", "subjectAltName=DNS:leaf.bench.example", "-out", csr.toString());
            var leaf = authorities.issue(sub.id(), "tls-server", Files.readAllBytes(csr), "bench");
            Files.writeString(dir.resolve("leaf.pem"), leaf.certificatePem());
            Files.writeString(dir.resolve("chain.pem"), leaf.chainPem());

            try (Revocations revocations = new Revocations(authorities, cas, new RevocationStore(db),
                    hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.OCSP), settings, Clock.systemUTC())) {
                revocations.start();
                revocations.revoke(sub.id(), leaf.serial(), "keyCompromise", null, "bench", false);
                System.out.printf("inserting %,d revoked certificates...%n", entries);
                insert(dir.resolve("signet.db"), sub.id(), entries);

                long readNanos = Long.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    readNanos = Math.min(readNanos, readAll(dir.resolve("signet.db"), sub.id()));
                }
                revocations.publishCrlsNow(sub.id()); // once to warm up the code path
                System.gc();
                resetPeaks();
                long t0 = System.nanoTime();
                PublishedCrl crl = revocations.publishCrlsNow(sub.id());
                long crlNanos = System.nanoTime() - t0;
                long peak = peakHeap();
                System.out.printf("CRL %d: %,d entries, %,d bytes in %.2f s; peak heap %d MB (of max %d MB)%n",
                        crl.number(), crl.entries(), crl.der().length, crlNanos / 1e9, peak >> 20,
                        Runtime.getRuntime().maxMemory() >> 20);
                System.out.printf("baseline: reading the same rows from the store %.2f s; ratio CRL / read %.2f%n",
                        readNanos / 1e9, (double) crlNanos / readNanos);
                Path der = Files.write(dir.resolve("bench.crl"), crl.der());
                long o0 = System.nanoTime();
                String number = run(dir, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-noout", "-crlnumber");
                System.out.printf("openssl crl -noout: %s (%.2f s)%n", number.strip(), (System.nanoTime() - o0) / 1e9);
                run(dir, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-out", dir.resolve("bench.crl.pem").toString());
                String verify = run(dir, "openssl", "verify", "-crl_check", "-CAfile", dir.resolve("chain.pem").toString(),
                        "-CRLfile", dir.resolve("bench.crl.pem").toString(), dir.resolve("leaf.pem").toString());
                System.out.println("openssl verify -crl_check on the revoked leaf: "
                        + (verify.contains("certificate revoked") ? "certificate revoked (as it should)" : "UNEXPECTED: " + verify));
            }
        }
    }

    private static void insert(Path file, String caId, int n) throws Exception {
        SecureRandom random = new SecureRandom();
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO certificate (ca_id, serial, status, der, subject, sans, "
                    + "not_before, not_after, profile, key_algorithm, requester, reserved_at, issued_at, revoked_at, "
                    + "revocation_code, invalidity_date, revocation_change) VALUES (?, ?, 'revoked', ?, 'CN=x', '', ?, ?, "
                    + "'tls-server', 'EC_P256', 'bench', ?, ?, ?, ?, ?, 1)")) {
                byte[] der = {0x30, 0x00};
                int[] codes = {0, 1, 4, 5, 9};
                for (int i = 0; i < n; i++) {
                    byte[] s = new byte[16];
                    random.nextBytes(s);
                    s[0] &= 0x7f;
                    s[0] |= 0x01;
                    p.setString(1, caId);
                    p.setString(2, new java.math.BigInteger(1, s).toString(16));
                    p.setBytes(3, der);
                    p.setLong(4, now - 86_400_000L);
                    p.setLong(5, now + 90L * 86_400_000L);
                    p.setLong(6, now);
                    p.setLong(7, now);
                    p.setLong(8, now - random.nextInt(86_400_000));
                    p.setInt(9, codes[i % codes.length]);
                    if (i % 10 == 0) {
                        p.setLong(10, now - 172_800_000L);
                    } else {
                        p.setNull(10, java.sql.Types.BIGINT);
                    }
                    p.addBatch();
                    if (i % 10_000 == 9_999) {
                        p.executeBatch();
                    }
                }
                p.executeBatch();
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE revocation_state SET generation = generation + 1 WHERE ca_id = ?")) {
                p.setString(1, caId);
                p.executeUpdate();
            }
            c.commit();
        }
    }

    /** The floor: the same rows read and touched, nothing encoded. */
    private static long readAll(Path file, String caId) throws Exception {
        long t0 = System.nanoTime();
        long sum = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement p = c.prepareStatement("SELECT serial, revoked_at, revocation_code, invalidity_date "
                        + "FROM certificate WHERE ca_id = ? AND status = 'revoked' AND not_after >= ?")) {
            p.setString(1, caId);
            p.setLong(2, 0);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    sum += r.getString(1).length() + r.getLong(2) + r.getInt(3) + r.getLong(4);
                }
            }
        }
        if (sum == 42) {
            System.out.println();
        }
        return System.nanoTime() - t0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 && !command[1].equals("verify")) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
