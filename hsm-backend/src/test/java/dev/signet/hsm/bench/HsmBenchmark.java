package dev.signet.hsm.bench;

import dev.signet.hsm.SignedObject;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.SignatureAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signatures per second through the key boundary against the same provider or token called
 * directly, in the same JVM and the same run, for RSA-2048, P-256 and Ed25519 on 1 and 2 threads.
 * Direct and boundary runs alternate in short rounds; the ratio is the median of the paired
 * rounds, and is also given per CPU-second of the signing threads, which other processes on a
 * shared machine barely disturb. Target: ratio (boundary / direct) of at least 0.90.
 *
 * <pre>
 * mvn -B -ntp -pl hsm-backend test-compile exec:java@hsm-bench -Dexec.args="software [seconds-per-run] [rounds]"
 * </pre>
 */
public final class HsmBenchmark {

    private static final List<KeyAlgorithm> ALGORITHMS = List.of(KeyAlgorithm.RSA_2048, KeyAlgorithm.EC_P256, KeyAlgorithm.ED25519);
    private static final int[] THREADS = {1, 2};
    private static final double WARM_UP_SECONDS = 3.0;


    private HsmBenchmark() {
    }

    /** The backends this benchmark knows; add one line per backend. */
    static BenchBackend backend(String name) throws Exception {
        return switch (name) {
            case "software" -> new SoftwareBench();
            case "pkcs11" -> new Pkcs11Bench();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; known: software, pkcs11");
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HsmBenchmark <backend: software|pkcs11> [seconds-per-run (1)] [rounds (7)]");
            System.exit(2);
        }
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        byte[] message = new byte[512]; // about the size of a certificate's TBS part
        Arrays.fill(message, (byte) 0x5a);

        List<String> rows = new ArrayList<>();
        boolean allMet = true;
        try (BenchBackend bench = backend(args[0])) {
            Hsm hsm = bench.hsm();
            System.out.printf(Locale.ROOT, "backend %s, %d cpus, %d rounds of %.1f s per side, load average %.1f%n",
                    hsm.backendName(), Runtime.getRuntime().availableProcessors(), rounds, seconds,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (KeyAlgorithm algorithm : ALGORITHMS) {
                SignatureAlgorithm scheme = SignatureAlgorithm.defaultFor(algorithm);
                KeyHandle key = hsm.generate("bench-" + algorithm.name().toLowerCase(Locale.ROOT), algorithm, KeyPurpose.DOCUMENT);
                BenchBackend.Baseline direct = bench.direct(algorithm, scheme);
                BenchBackend.Baseline boundary = () -> data -> hsm.sign(key, SignedObject.DOCUMENT_SIGNATURE, scheme, data);
                // The path certificates take (HsmContentSigner): hash here, only the digest crosses
                // the boundary. Pure Ed25519 has no digest form.
                BenchBackend.Baseline viaDigest = scheme.digestAlgorithm() == null ? null : () -> {
                    java.security.MessageDigest md = java.security.MessageDigest.getInstance(scheme.digestAlgorithm());
                    return data -> hsm.signDigest(key, SignedObject.DOCUMENT_SIGNATURE, scheme, md.digest(data));
                };
                for (int threads : THREADS) {
                    // Warm-up: let the JIT compile both paths before anything is timed.
                    measure(direct, threads, WARM_UP_SECONDS, message);
                    measure(boundary, threads, WARM_UP_SECONDS, message);
                    if (viaDigest != null) {
                        measure(viaDigest, threads, WARM_UP_SECONDS, message);
                    }
                    double[] d = new double[rounds];
                    double[] g = new double[rounds];
                    double[] digestRatio = new double[rounds];
                    double[] b = new double[rounds];
                    double[] wallRatio = new double[rounds];
                    double[] cpuRatio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        // Alternate, and compare each boundary run with the direct run just before it,
                        // so that load from other processes on the machine hits both sides alike.
                        Measurement md = measure(direct, threads, seconds, message);
                        Measurement mb = measure(boundary, threads, seconds, message);
                        d[r] = md.perSecond();
                        b[r] = mb.perSecond();
                        wallRatio[r] = mb.perSecond() / md.perSecond();
                        cpuRatio[r] = mb.perCpuSecond() / md.perCpuSecond();
                        if (viaDigest != null) {
                            Measurement mg = measure(viaDigest, threads, seconds, message);
                            g[r] = mg.perSecond();
                            digestRatio[r] = mg.perSecond() / md.perSecond();
                        }
                    }
                    double ratio = median(wallRatio);
                    double cpu = median(cpuRatio);
                    allMet &= ratio >= 0.90;
                    String digestColumns = "|            - |     - ";
                    if (viaDigest != null) {
                        double dr = median(digestRatio);
                        allMet &= dr >= 0.90;
                        digestColumns = String.format(Locale.ROOT, "| %12.0f | %5.3f ", median(g), dr);
                    }
                    String row = String.format(Locale.ROOT, "| %-8s | %-31s | %7d | %12.0f | %14.0f | %5.3f %s | %9.3f %s|",
                            algorithm, scheme + " (" + bench.directProvider(algorithm) + ")", threads, median(d), median(b),
                            ratio, ratio >= 0.90 ? "ok " : "LOW", cpu, digestColumns);
                    rows.add(row);
                    System.out.println(row);
                }
                hsm.destroy(key);
            }
        }
        System.out.println();
        System.out.println("| key      | scheme (direct provider)        | threads | direct sig/s | boundary sig/s | ratio     | cpu ratio | digest sig/s | ratio |");
        System.out.println("|----------|---------------------------------|---------|--------------|----------------|-----------|-----------|--------------|-------|");
        rows.forEach(System.out::println);
        System.out.println("sig/s: median over rounds; ratio: median of paired boundary/direct rounds (wall clock);");
        System.out.println("cpu ratio: the same per CPU-second used by the signing threads (insensitive to other load);");
        System.out.println("digest: hash here and sign the digest through the boundary (the certificate path), over direct.");
        System.out.println(allMet ? "all ratios >= 0.90" : "some ratios below 0.90");
    }

    /** Signatures per wall-clock second and per CPU-second of the signing threads. */
    record Measurement(double perSecond, double perCpuSecond) {
    }

    /** Runs {@code threads} threads, each with its own signer from {@code baseline}, for {@code seconds}. */
    static Measurement measure(BenchBackend.Baseline baseline, int threads, double seconds, byte[] message) throws Exception {
        ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
        AtomicLong total = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            BenchBackend.SignOp op = baseline.forThread();
            Thread worker = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    long cpuStart = cpuClock.getCurrentThreadCpuTime();
                    long n = 0;
                    while (System.nanoTime() < end) {
                        op.sign(message);
                        n++;
                    }
                    cpuNanos.addAndGet(cpuClock.getCurrentThreadCpuTime() - cpuStart);
                    total.addAndGet(n);
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + (long) (seconds * 1e9);
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("a benchmark thread failed", errors.get(0));
        }
        // Threads finish the signature they started, so measure to the actual end.
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        return new Measurement(total.get() / elapsed, total.get() / (cpuNanos.get() / 1e9));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
