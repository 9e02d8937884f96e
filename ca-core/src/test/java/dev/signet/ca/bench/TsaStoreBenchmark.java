package dev.signet.ca.bench;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.StoreSettings;
import dev.signet.ca.store.TsaRecord;
import dev.signet.ca.store.TsaStore;
import dev.signet.ca.store.TsaTokenRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store side of a time-stamp token alone: {@code TsaStore.recordAsync} (token row, TSA counter,
 * audit entry, group commit) from many callers that each wait for their commit, as the TSA's
 * callers do, without signatures. Prints tokens/s and the CPU per token of the store's writer
 * thread and of the whole process, which is what the TSA's own benchmark cannot separate from its
 * signatures. Run from the project root:
 * <pre>
 * mvn -B -ntp -q -pl ca-core -am test-compile exec:java@ca-bench -Dexec.mainClass=dev.signet.ca.bench.TsaStoreBenchmark -Dexec.args="[seconds] [callers]"
 * </pre>
 */
public final class TsaStoreBenchmark {

    private TsaStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Path base = Path.of("target", "tsa-store-bench");
        Files.createDirectories(base);
        Path file = base.resolve("tsa-" + System.nanoTime() + ".db");
        // A chain of about three certificates' PEM, as the TSA row holds.
        String pem = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(900) + "\n-----END CERTIFICATE-----\n";
        try (Database db = Database.open(file, StoreSettings.defaults())) {
            TsaStore store = new TsaStore(db);
            store.create(new TsaRecord("bench", null, TsaRecord.ACTIVE, "tsa-bench", "software", "EC_P256", pem,
                    pem + pem + pem, null, Instant.now(), 0, null), AuditEvent.of("bench", "tsa.create", "tsa", "bench"));
            for (int round = 0; round < 4; round++) {
                run(db, store, callers, round == 0 ? 2 * seconds : seconds, round == 0 ? "warm-up" : "round " + round);
            }
        } finally {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
    }

    private static void run(Database db, TsaStore store, int callers, double seconds, String label) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long writer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("signet-store-writer"))
                .findFirst().orElseThrow().getId();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong done = new AtomicLong();
        AtomicLong callerCpu = new AtomicLong();
        long commits0 = db.commitCount();
        long writer0 = mx.getThreadCpuTime(writer);
        long process0 = processCpuNanos();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            Thread th = new Thread(() -> {
                SecureRandom random = new SecureRandom();
                byte[] imprint = new byte[32];
                long n = 0;
                while (System.nanoTime() < deadline) {
                    random.nextBytes(imprint);
                    // As the TSA makes them: genTime in milliseconds, then 80 random bits (-Drandom=true: 127
                    // random bits, as serials were before, to compare).
                    BigInteger serial = Boolean.getBoolean("random") ? new BigInteger(127, random).setBit(0)
                            : BigInteger.valueOf(System.currentTimeMillis()).shiftLeft(80).or(new BigInteger(80, random));
                    store.recordAsync(new TsaTokenRecord("bench", serial.toString(16), Instant.now(), "SHA-256", imprint,
                            "1.2.3.4", "public")).join();
                    n++;
                }
                done.addAndGet(n);
                callerCpu.addAndGet(mx.getCurrentThreadCpuTime());
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long n = Math.max(1, done.get());
        Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        String load = new String(p.getInputStream().readAllBytes()).strip();
        System.out.printf("%s: %.0f tokens/s, %.1f tokens/commit; CPU per token: writer %.1f us, callers %.1f us, process %.1f us (%s)%n",
                label, done.get() / elapsed, (double) done.get() / Math.max(1, db.commitCount() - commits0),
                (mx.getThreadCpuTime(writer) - writer0) / 1e3 / n, callerCpu.get() / 1e3 / n,
                (processCpuNanos() - process0) / 1e3 / n, load);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
