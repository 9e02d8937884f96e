package dev.signet.ca.bench;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stored certificates per second (reserve + store, each durable, each with its audit entry) with
 * group commit against one transaction per write, on the same disk in the same run. Callers either
 * wait for each write ("blocking", like one request thread per certificate) or keep a window of
 * certificates in flight ("pipelined", what an issuing loop can do with the async methods).
 *
 * <p>Run from the project root (exec:java runs in Maven's JVM, whose working directory is the root):
 * <pre>
 * mvn -B -ntp -pl ca-core -am test-compile exec:java@ca-bench -Dexec.mainClass=dev.signet.ca.bench.StoreBenchmark \
 *     -Dexec.args="[seconds-per-run] [data-dir]"
 * </pre>
 * The database goes on the real disk (default {@code target/store-bench}), because fsync is the cost.
 */
public final class StoreBenchmark {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int DER_BYTES = 700; // about a P-256 end-entity certificate

    private StoreBenchmark() {
    }

    private record Shape(String name, int threads, int window) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of("target", "store-bench");
        Files.createDirectories(base);
        List<Shape> shapes = List.of(
                new Shape("blocking, 1 thread", 1, 1),
                new Shape("blocking, 2 threads", 2, 1),
                new Shape("blocking, 16 threads", 16, 1),
                new Shape("pipelined, 2 threads x 64 in flight", 2, 64));
        System.out.printf("store benchmark: reserve + store per certificate, %.0f s per run, database under %s%n",
                seconds, base.toAbsolutePath());
        run(base, "warm-up", new Shape("warm-up", 4, 16), 1000, seconds);
        System.out.printf("%-38s %15s %15s %7s %14s %15s%n", "callers", "per-tx certs/s", "group certs/s", "ratio",
                "writes/commit", "CPU us/cert");
        for (Shape s : shapes) {
            Result single = run(base, "single", s, 1, seconds);
            Result group = run(base, "group", s, 1000, seconds);
            System.out.printf("%-38s %15.0f %15.0f %6.1fx %14.1f %15.0f%n", s.name(), single.perSecond(), group.perSecond(),
                    group.perSecond() / single.perSecond(), group.writesPerCommit(), group.cpuMicrosPerCert());
        }
    }

    /** Certificates per second, writes per commit, and process CPU time (all threads) per certificate. */
    private record Result(double perSecond, double writesPerCommit, double cpuMicrosPerCert) {
    }

    /** A DER SEQUENCE around {@code content} (content shorter than 64 KiB). */
    private static byte[] derSequence(byte[] content) {
        byte[] header = content.length < 128 ? new byte[] {0x30, (byte) content.length}
                : new byte[] {0x30, (byte) 0x82, (byte) (content.length >> 8), (byte) content.length};
        return concat(header, content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Result run(Path base, String label, Shape shape, int maxBatch, double seconds) throws Exception {
        Path file = base.resolve(label + "-" + shape.threads() + "-" + shape.window() + "-" + System.nanoTime() + ".db");
        try (Database db = Database.open(file, StoreSettings.defaults().withMaxBatch(maxBatch))) {
            new CaStore(db).create(new CaRecord("bench", "Bench CA", CaRecord.ACTIVE, "bench-key", "software", "EC_P256",
                    null, "pem", "pem", "http://127.0.0.1:8080", T0), AuditEvent.of("bench", "ca.create", "ca", "bench"));
            CertificateStore certs = new CertificateStore(db);
            AtomicLong serial = new AtomicLong(0x1000_0000_0000L);
            AtomicLong stored = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            for (int t = 0; t < shape.threads(); t++) {
                Thread th = new Thread(() -> {
                    Random random = new Random();
                    Semaphore window = new Semaphore(shape.window());
                    try {
                        while (System.nanoTime() < deadline && failure.get() == null) {
                            window.acquire();
                            String s = Long.toHexString(serial.incrementAndGet());
                            byte[] body = new byte[DER_BYTES];
                            random.nextBytes(body);
                            byte[] tbs = derSequence(body);
                            byte[] der = derSequence(concat(tbs, new byte[] {0x30, 0x00, 0x03, 0x02, 0x00, 0x01}));
                            CertificateRecord c = new CertificateRecord("bench", s, der, "CN=host-" + s + ".example",
                                    List.of("DNS:host-" + s + ".example"), T0, T0.plusSeconds(90 * 86_400L), "tls-server",
                                    "EC_P256", "bench", CertificateRecord.VALID, null, null);
                            AuditEvent event = new AuditEvent("bench", "certificate.issue", "certificate", "bench/" + s,
                                    CertificateStore.issuedDetails(c));
                            certs.reserveAsync("bench", s, tbs, "tls-server", "bench")
                                    .thenCompose(v -> certs.storeAsync(c, event))
                                    .whenComplete((v, e) -> {
                                        if (e != null) {
                                            failure.compareAndSet(null, e);
                                        } else {
                                            stored.incrementAndGet();
                                        }
                                        window.release();
                                    });
                        }
                        window.acquire(shape.window()); // wait for this thread's writes in flight
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpuMicros = (processCpuNanos() - cpuStart) / 1e3;
            if (failure.get() != null) {
                throw new IllegalStateException("a write failed", failure.get());
            }
            long commits = db.commitCount();
            return new Result(stored.get() / elapsed, 2.0 * stored.get() / Math.max(1, commits),
                    cpuMicros / Math.max(1, stored.get()));
        } finally {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
    }

}
