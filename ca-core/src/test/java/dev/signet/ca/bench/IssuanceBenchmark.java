package dev.signet.ca.bench;

import dev.signet.hsm.SignedObject;
import dev.signet.hsm.KeyPurpose;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.ca.NewCa;
import dev.signet.ca.Profiles;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.CertificateQuery;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificates issued per second in-process, CSR in -> stored certificate out (parse, proof of
 * possession, profile, TBS, lint, reserve, HSM signature, store with audit entry), with pre-generated
 * P-256 CSRs and a P-256 issuing key, on 1 and 2 threads. The baseline, measured in the same run
 * and alternated with issuance, is the backend's raw signature rate with the same CA key (digest +
 * signDigest, which is what issuance asks of the HSM); the ratio shows how much of the HSM's
 * capacity issuance turns into certificates.
 *
 * <pre>
 * mvn -B -ntp -pl ca-core -am test-compile exec:java@ca-bench \
 *     -Dexec.mainClass=dev.signet.ca.bench.IssuanceBenchmark -Dexec.args="software [seconds] [rounds]"
 * SOFTHSM2_CONF=/tmp/signet-bench-softhsm/softhsm2.conf mvn ... -Dexec.args="pkcs11 [seconds] [rounds]"
 * </pre>
 * SoftHSM2 reads SOFTHSM2_CONF when the library loads and a JVM cannot set its own environment, so
 * the variable must be on the command line; this main writes that file and a fresh token.
 */
public final class IssuanceBenchmark {

    private static final int CSRS = 4000;
    private static final int IN_FLIGHT = 128;
    private static final int[] THREADS = {1, 2};
    private static final double WARM_UP_SECONDS = 3.0;
    private static final Path SOFTHSM_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    private IssuanceBenchmark() {
    }

    interface Op {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: IssuanceBenchmark <software|pkcs11> [seconds-per-run (3)] [rounds (3)]");
            System.exit(2);
        }
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Files.createTempDirectory("signet-issuance-bench");
        try (Hsm hsm = open(args[0], dir); Database db = Database.open(dir.resolve("signet.db"))) {
            CertificateStore store = new CertificateStore(db);
            CertificateAuthorities cas = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT), new CaStore(db), store, Profiles.builtIn(),
                    Clock.systemUTC());
            CaInfo root = cas.createRoot(new NewCa("Bench Root " + System.nanoTime(), "CN=Signet Bench Root", KeyAlgorithm.EC_P256,
                    null, null, "http://127.0.0.1:8080"), "bench");
            // Leaves come from a subordinate (a root issues only CA certificates); its key is the one timed.
            CaInfo ca = cas.createSubordinate(root.id(), new NewCa("Bench " + System.nanoTime(), "CN=Signet Bench CA",
                    KeyAlgorithm.EC_P256, null, null, "http://127.0.0.1:8080"), null, "bench");
            KeyHandle caKey = hsm.list().stream().filter(k -> k.label().startsWith("ca-" + ca.id() + "-"))
                    .findFirst().orElseThrow().handle();
            List<byte[]> csrs = csrs(CSRS);
            IssuedCertificate sample = cas.issue(ca.id(), "tls-server", csrs.get(0), "bench");
            CertificateRecord template = store.find(ca.id(), sample.serial()).orElseThrow();
            byte[] tbsLike = new byte[600]; // a TBSCertificate's size, for the raw signature baseline
            Arrays.fill(tbsLike, (byte) 0x42);

            Op raw = i -> {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(tbsLike);
                hsm.signDigest(caKey, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, digest);
            };
            Op issue = i -> cas.issue(ca.id(), "tls-server", csrs.get(i % csrs.size()), "bench");

            System.out.printf(Locale.ROOT, "backend %s, %d cpus, P-256 CA key, P-256 CSRs (%d pre-generated), %.1f s per run, %d rounds, median%n",
                    hsm.backendName(), Runtime.getRuntime().availableProcessors(), csrs.size(), seconds, rounds);
            List<String> rows = new ArrayList<>();
            for (int threads : THREADS) {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    measure(raw, threads, WARM_UP_SECONDS);
                    measurePipelined(cas, ca.id(), csrs, pool, WARM_UP_SECONDS);
                    double[] o = new double[rounds];
                    double[] r = new double[rounds];
                    double[] s = new double[rounds];
                    double[] p = new double[rounds];
                    double[] pc = new double[rounds];
                    double[] pw = new double[rounds];
                    double[] oc = new double[rounds];
                    double[] ow = new double[rounds];
                    for (int k = 0; k < rounds; k++) {
                        r[k] = measure(raw, threads, seconds);
                        s[k] = measure(issue, threads, seconds);
                        Run pipelined = measurePipelined(cas, ca.id(), csrs, pool, seconds);
                        p[k] = pipelined.perSecond();
                        pc[k] = pipelined.cpuMicros();
                        pw[k] = pipelined.writerCpuMicros();
                        Run stored = storeOnly(store, template, seconds);
                        o[k] = stored.perSecond();
                        oc[k] = stored.cpuMicros();
                        ow[k] = stored.writerCpuMicros();
                    }
                    double storeOnly = median(o);
                    double rawRate = median(r);
                    double syncRate = median(s);
                    double pipelinedRate = median(p);
                    String row = String.format(Locale.ROOT,
                            "| %-8s | %7d | %14.0f | %16.0f | %17.0f | %5.3f | %15.0f | %6.0f / %5.0f | %6.0f / %5.0f |",
                            hsm.backendName(), threads, rawRate, syncRate, pipelinedRate, pipelinedRate / rawRate, storeOnly,
                            median(pc), median(pw), median(oc), median(ow));
                    rows.add(row);
                    System.out.println(row);
                } finally {
                    pool.shutdown();
                    pool.awaitTermination(1, TimeUnit.MINUTES);
                }
            }
            long stored = cas.search(CertificateQuery.all(ca.id(), 1)).total();
            System.out.println();
            System.out.println("sync: each thread waits for its certificate (two durable commits each);");
            System.out.println("pipelined: the threads keep up to " + IN_FLIGHT + " issuances in flight, which share commits;");
            System.out.println("ratio = pipelined certificates/s over the raw signature rate of the same CA key and threads.");
            System.out.println("store only = reserve + store pairs/s of the store alone (same record, same window), the ceiling it sets.");
            System.out.println("cpu us/cert = CPU time of the whole process (all threads) / of the store's writer thread alone, per");
            System.out.println("certificate: CPU, not wall time, so it stays comparable when the machine is shared.");
            System.out.println("| backend  | threads | raw sig/s (CA) | sync certs/s     | pipelined certs/s | ratio | store only (/s) | pipelined cpu us/cert (all / writer) | store only cpu us/pair (all / writer) |");
            System.out.println("|----------|---------|----------------|------------------|-------------------|-------|-----------------|----------------|----------------|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%d certificates stored in this run%n", stored);
        } finally {
            deleteTree(dir);
        }
    }

    private static Hsm open(String backend, Path dir) throws Exception {
        return switch (backend) {
            case "software" -> Hsms.open(new HsmConfig.Software(dir.resolve("hsm"),
                    new SecretSource.Env("BENCH", Map.of("BENCH", "benchmark passphrase, not a secret"))));
            case "pkcs11" -> Hsms.open(softHsmToken());
            default -> throw new IllegalArgumentException("unknown backend '" + backend + "'; use software or pkcs11");
        };
    }

    /** A fresh SoftHSM2 token in the directory SOFTHSM2_CONF points into. */
    private static HsmConfig.Pkcs11 softHsmToken() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || conf.isBlank()) {
            throw new IllegalStateException("set SOFTHSM2_CONF (e.g. /tmp/signet-bench-softhsm/softhsm2.conf) on the command line");
        }
        if (!Files.isRegularFile(SOFTHSM_LIBRARY)) {
            throw new IllegalStateException("SoftHSM2 is not installed: " + SOFTHSM_LIBRARY + " is missing");
        }
        Path confFile = Path.of(conf).toAbsolutePath();
        Path tokens = confFile.resolveSibling("tokens");
        deleteTree(tokens);
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                StandardCharsets.UTF_8);
        String pin = "bench-user-pin";
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "signet-bench",
                "--so-pin", "bench-so-pin", "--pin", pin).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("softhsm2-util --init-token failed: " + out);
        }
        return new HsmConfig.Pkcs11(SOFTHSM_LIBRARY, "signet-bench",
                new SecretSource.Env("BENCH_PIN", Map.of("BENCH_PIN", pin)), 8);
    }

    private static List<byte[]> csrs(int n) throws Exception {
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("P-256"));
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var kp = g.generateKeyPair();
            String host = "host" + i + ".bench.example.com";
            var b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + host), kp.getPublic());
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            out.add(b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc).build(kp.getPrivate())).getEncoded());
        }
        return out;
    }

    /**
     * Issuances per second in steady state, with the pool's threads doing all the issuing work
     * (checks, TBS, lint, signature) and up to {@link #IN_FLIGHT} issuances waiting on the store at
     * once. A feeder thread only hands out work. The pipeline fills for two seconds before the
     * completions of the next {@code seconds} are counted.
     */
    /** A measured rate, with the CPU time each unit cost the whole process and the store's writer thread. */
    record Run(double perSecond, double cpuMicros, double writerCpuMicros) {
    }

    /** CPU time of the process and of the store's writer thread, read at the start and end of a window. */
    static final class CpuClock {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
        private final long process0 = OS.getProcessCpuTime();
        private final long writer0 = writerCpu();

        Run per(long units, double seconds) {
            double n = Math.max(1, units);
            return new Run(units / seconds, (OS.getProcessCpuTime() - process0) / 1e3 / n, (writerCpu() - writer0) / 1e3 / n);
        }

        private static long writerCpu() {
            return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("signet-store-writer"))
                    .mapToLong(t -> THREADS.getThreadCpuTime(t.getId())).sum();
        }
    }

    static Run measurePipelined(CertificateAuthorities cas, String caId, List<byte[]> csrs, ExecutorService pool,
            double seconds) throws Exception {
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean feeding = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread feeder = new Thread(() -> {
            int i = 0;
            try {
                while (feeding.get() && failure.get() == null) {
                    if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    byte[] csr = csrs.get(i++ % csrs.size());
                    pool.execute(() -> {
                        try {
                            cas.issueAsync(caId, "tls-server", csr, "bench", pool).whenComplete((cert, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    done.incrementAndGet();
                                }
                                window.release();
                            });
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            window.release();
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-feeder");
        feeder.start();
        Thread.sleep(2000);
        long c0 = done.get();
        long t0 = System.nanoTime();
        CpuClock cpu = new CpuClock();
        Thread.sleep((long) (seconds * 1000));
        long c1 = done.get();
        long t1 = System.nanoTime();
        Run run = cpu.per(c1 - c0, (t1 - t0) / 1e9);
        feeding.set(false);
        feeder.join();
        window.acquire(IN_FLIGHT); // let everything in flight finish before the next run
        window.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("an issuance failed", failure.get());
        }
        return run;
    }

    /**
     * The store's own ceiling for issuance: reserve then store, the two durable writes each
     * certificate needs, {@link #IN_FLIGHT} at a time, with no checking or signing at all.
     */
    static Run storeOnly(CertificateStore store, CertificateRecord template, double seconds) throws Exception {
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long base = new java.security.SecureRandom().nextLong() >>> 4 | 1L << 58;
        // The store checks that a stored certificate is the one reserved, so reserve its real TBS.
        byte[] tbs = org.bouncycastle.asn1.x509.Certificate.getInstance(template.der()).getTBSCertificate().getEncoded("DER");
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        CpuClock cpu = new CpuClock();
        long i = 0;
        while (System.nanoTime() < end && failure.get() == null) {
            if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                continue;
            }
            String serial = Long.toHexString(base + i++);
            CertificateRecord r = new CertificateRecord(template.caId(), serial, template.der(), template.subject(),
                    template.sans(), template.notBefore(), template.notAfter(), template.profile(), template.keyAlgorithm(),
                    template.requester(), CertificateRecord.VALID, null, null);
            store.reserveAsync(r.caId(), serial, tbs, r.profile(), r.requester())
                    .thenCompose(v -> store.storeAsync(r, new AuditEvent("bench", "certificate.issue", "certificate",
                            r.caId() + "/" + serial, CertificateStore.issuedDetails(r))))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else if (System.nanoTime() <= end) {
                            done.incrementAndGet();
                        }
                        window.release();
                    });
        }
        window.acquire(IN_FLIGHT);
        window.release(IN_FLIGHT);
        Run run = cpu.per(i, (System.nanoTime() - start) / 1e9); // CPU of every pair started, all of them finished now
        if (failure.get() != null) {
            throw new IllegalStateException("a store write failed", failure.get());
        }
        return new Run(done.get() / seconds, run.cpuMicros(), run.writerCpuMicros());
    }

    static double measure(Op op, int threads, double seconds) throws Exception {
        AtomicLong total = new AtomicLong();
        AtomicLong next = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    long n = 0;
                    while (System.nanoTime() < window[1]) {
                        op.run((int) (next.getAndIncrement() & 0x7fffffff));
                        n++;
                    }
                    total.addAndGet(n);
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            workers.add(w);
            w.start();
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
        return total.get() / ((System.nanoTime() - window[0]) / 1e9);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
