package dev.signet.web.bench;

import dev.signet.ca.TsaInfo;
import dev.signet.ca.TsaSettings;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import dev.signet.web.SignetServer;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.http.ConnectionsPerAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;

/**
 * Time-stamp tokens per second over HTTP, measured with wrk (2 threads, a Lua script posting
 * distinct DER queries: different SHA-256 imprints and nonces, certReq) against a real server whose
 * default TSA has a P-256 key in the software HSM, compared with the raw P-256 signature rate of the
 * same TSA key through the same boundary ({@code ScopedSigner.signDigest}, as the token path uses
 * it), in the same process and run. Every token is durably recorded (and audited) before its reply
 * is sent; the benchmark checks that the store counted at least as many tokens as wrk received, and
 * that nothing was rejected. Run with:
 *
 * <pre>mvn -B -ntp -q -pl web -am test-compile exec:java@web-bench -Dexec.mainClass=dev.signet.web.bench.TsaBenchmark</pre>
 *
 * Arguments: [seconds per measurement, default 10; three rounds of each] [wrk connections and in-process callers, default 64]
 * [warm-up seconds per side, default 20; shorter only to profile].
 */
public final class TsaBenchmark {

    private static final int QUERIES = 100_000;
    private static final int ROUNDS = 3;
    private static final int DEFAULT_WARMUP_SECONDS = 20;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        // Shorter warm-ups only for profiling runs; reported numbers use the default.
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_WARMUP_SECONDS;
        if (connections > ConnectionsPerAddress.DEFAULT_MAX) {
            // The server closes a client's connections past its per-address limit (a hardening measure).
            throw new IllegalArgumentException("at most " + ConnectionsPerAddress.DEFAULT_MAX + " connections from one address");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("signet-tsa-bench");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "benchmark")).load(null, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String url = "http://127.0.0.1:" + server.port() + "/tsa";
            TsaInfo tsa = server.services().timeStampAuthorities().get(TsaSettings.DEFAULT);
            System.out.printf("TSA '%s' (%s), policy %s; %d cores%n", tsa.name(), tsa.keyAlgorithm(), tsa.policyOid(), cores);
            ScopedSigner key = server.services().signingKeys(KeyPurpose.TIMESTAMPING).list().stream()
                    .map(k -> server.services().signingKeys(KeyPurpose.TIMESTAMPING).get(k.label()))
                    .filter(s -> s.keyLabel().startsWith("tsa-default-")).findFirst().orElseThrow();
            Path queries = dir.resolve("queries.bin");
            List<byte[]> queryList = writeQueries(queries);

            System.out.printf("warming up (%d s raw signatures, %d s in-process tokens, %d s HTTP)...%n",
                    warmup, warmup, warmup);
            raw(key, cores, warmup);
            inProcess(server, queryList, connections, warmup);
            wrk(url, queries, connections, warmup);

            List<Rate> raw1 = new ArrayList<>();
            List<Rate> rawN = new ArrayList<>();
            List<Rate> direct = new ArrayList<>();
            List<Wrk> https = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                long tokens0 = tokens(server);
                long rejected0 = rejections(server);
                long httpRecorded = 0;
                // Alternate which side goes first, so neither always runs on a warmer process.
                for (int side : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    if (side == 0) {
                        raw1.add(raw(key, 1, seconds));
                        rawN.add(raw(key, cores, seconds));
                        direct.add(inProcess(server, queryList, connections, seconds));
                    } else {
                        long t0 = tokens(server);
                        https.add(wrk(url, queries, connections, seconds));
                        httpRecorded = tokens(server) - t0;
                    }
                }
                Wrk h = https.get(round);
                long rejected = rejections(server) - rejected0;
                System.out.printf("(%s)%n", uptime());
                System.out.printf("round %d: raw P-256 %.0f sig/s 1 thread (%.0f us CPU/sig), %.0f sig/s %d threads; "
                                + "in-process %.0f tokens/s (%.0f us CPU/token); HTTP %.0f tokens/s (%.0f us server + %.0f us wrk CPU/token), "
                                + "p99 %s, %d replies, %d tokens recorded meanwhile, %d rejections, non-2xx %d%n",
                        round + 1, raw1.get(round).perSecond(), raw1.get(round).cpuMicros(), rawN.get(round).perSecond(), cores,
                        direct.get(round).perSecond(), direct.get(round).cpuMicros(), h.perSecond(), h.serverCpuMicros(),
                        h.wrkCpuMicros(), h.p99(), h.count(), httpRecorded, rejected, h.non2xx());
                System.out.printf("  server CPU per token: in-process %s; HTTP %s%n", direct.get(round).breakdown(), h.breakdown());
                if (httpRecorded < h.count() || rejected != 0 || h.non2xx() != 0) {
                    throw new IllegalStateException("not every reply was a durably recorded token");
                }
            }
            double r1 = median(raw1.stream().map(Rate::perSecond).toList());
            double rn = median(rawN.stream().map(Rate::perSecond).toList());
            double sigCpu = median(raw1.stream().map(Rate::cpuMicros).toList());
            double directRate = median(direct.stream().map(Rate::perSecond).toList());
            double directCpu = median(direct.stream().map(Rate::cpuMicros).toList());
            double serverCpu = median(https.stream().map(Wrk::serverCpuMicros).toList());
            double wrkCpu = median(https.stream().map(Wrk::wrkCpuMicros).toList());
            https.sort(Comparator.comparingDouble(Wrk::perSecond));
            Wrk http = https.get(ROUNDS / 2);
            System.out.printf("median raw P-256 through the boundary: %.0f sig/s (1 thread), %.0f sig/s (%d threads), %.0f us CPU/sig%n",
                    r1, rn, cores, sigCpu);
            System.out.printf("median in-process tokens (%d callers): %.0f tokens/s, %.0f us CPU/token%n", connections, directRate, directCpu);
            System.out.printf("median HTTP (wrk -t2 -c%d): %.0f tokens/s, p99 %s; %.0f us CPU/token in the server + %.0f us in wrk%n",
                    connections, http.perSecond(), http.p99(), serverCpu, wrkCpu);
            System.out.printf("ratio HTTP tokens/s / raw signatures/s = %.2f against %d threads, %.2f against 1 thread (target >= 0.6)%n",
                    http.perSecond() / rn, cores, http.perSecond() / r1);
            System.out.printf("CPU ratio: signature / token = %.2f in-process, %.2f HTTP server, %.2f HTTP server + wrk%n",
                    sigCpu / directCpu, sigCpu / serverCpu, sigCpu / (serverCpu + wrkCpu));
            System.out.printf("tokens recorded in all: %d; store commits: %d%n", tokens(server),
                    server.services().database().commitCount());
            System.out.println("load: " + uptime());
        } finally {
            deleteTree(dir);
        }
    }

    private static String uptime() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    record Wrk(double perSecond, String p99, long non2xx, long count, double serverCpuMicros, double wrkCpuMicros, String breakdown) {}

    record Rate(double perSecond, double cpuMicros, String breakdown) {}

    /**
     * Where a measurement's CPU went, per token: the threads of this process by role (callers or
     * Jetty's, the store writer, the reply threads, the rest of the Java threads) and what no Java
     * thread accounts for (GC, the JIT compilers). Threads that ended during the measurement (the
     * in-process callers) report their own CPU through {@code endedCallers}.
     */
    static final class CpuBreakdown {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final Map<Long, long[]> before = new java.util.HashMap<>();
        private final Map<Long, String> names = new java.util.HashMap<>();
        private final long process0 = processCpuNanos();
        final java.util.concurrent.atomic.AtomicLong endedCallers = new java.util.concurrent.atomic.AtomicLong();

        CpuBreakdown() {
            for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null) {
                    before.put(t.getThreadId(), new long[] {threads.getThreadCpuTime(t.getThreadId())});
                    names.put(t.getThreadId(), t.getThreadName());
                }
            }
        }

        String perToken(long tokens) {
            Map<String, Long> byRole = new java.util.TreeMap<>();
            long java = endedCallers.get();
            byRole.merge("callers", endedCallers.get(), Long::sum);
            for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t == null) {
                    continue;
                }
                long now = threads.getThreadCpuTime(t.getThreadId());
                if (now < 0) {
                    continue;
                }
                long[] b = before.get(t.getThreadId());
                long used = now - (b == null ? 0 : b[0]);
                java += used;
                byRole.merge(role(t.getThreadName()), used, Long::sum);
            }
            long process = processCpuNanos() - process0;
            byRole.put("gc+jit+vm", process - java);
            StringBuilder out = new StringBuilder();
            byRole.forEach((role, ns) -> {
                if (ns / 1e3 / Math.max(1, tokens) >= 0.5) {
                    out.append(out.length() == 0 ? "" : ", ").append(role).append(' ')
                            .append(Math.round(ns / 1e3 / Math.max(1, tokens))).append(" us");
                }
            });
            return out.toString();
        }

        private static String role(String name) {
            if (name.startsWith("signet-store-writer")) {
                return "writer";
            }
            if (name.startsWith("signet-tsa-recorded")) {
                return "reply";
            }
            if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp")) {
                return "jetty";
            }
            return "other";
        }
    }

    /** CPU time of this whole process (all threads, the store writer and GC included), in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long tokens(SignetServer server) {
        return server.services().timeStampAuthorities().get(TsaSettings.DEFAULT).tokensIssued();
    }

    private static long rejections(SignetServer server) {
        return server.services().timeStampAuthorities().get(TsaSettings.DEFAULT).rejections().values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /** Distinct queries: random SHA-256-sized imprints, random 64-bit nonces, certReq set. */
    private static List<byte[]> writeQueries(Path file) throws IOException {
        List<byte[]> all = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < QUERIES; i++) {
            byte[] imprint = new byte[32];
            random.nextBytes(imprint);
            byte[] q = g.generate(NISTObjectIdentifiers.id_sha256, imprint, new BigInteger(64, random)).getEncoded();
            all.add(q);
            out.write(q.length >> 8);
            out.write(q.length & 0xff);
            out.write(q, 0, q.length);
        }
        Files.write(file, out.toByteArray());
        return all;
    }

    /** Signatures per second over distinct digests, {@code threads} callers of the TSA's scoped signer. */
    private static Rate raw(ScopedSigner key, int threads, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                SecureRandom random = new SecureRandom();
                byte[] digest = new byte[32];
                long n = 0;
                while (System.nanoTime() < end) {
                    random.nextBytes(digest);
                    key.signDigest(SignedObject.TIMESTAMP_TOKEN, SignatureAlgorithm.ECDSA_SHA256, digest);
                    n++;
                }
                count.addAndGet(n);
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return new Rate(count.get() / ((System.nanoTime() - start) / 1e9), (processCpuNanos() - cpu0) / 1e3 / Math.max(1, count.get()), "");
    }

    /** Tokens per second in-process: {@code threads} callers of the TSA facade, each waiting for its token's commit. */
    private static Rate inProcess(SignetServer server, List<byte[]> queries, int threads, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        long cpu0 = processCpuNanos();
        CpuBreakdown cpu = new CpuBreakdown();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    byte[] q = queries.get(Math.floorMod(next.getAndIncrement(), queries.size()));
                    if (!server.services().timeStampAuthorities().respond(TsaSettings.DEFAULT, q, "bench").join().granted()) {
                        throw new IllegalStateException("rejected");
                    }
                    n++;
                }
                count.addAndGet(n);
                cpu.endedCallers.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        return new Rate(count.get() / ((System.nanoTime() - start) / 1e9), (processCpuNanos() - cpu0) / 1e3 / Math.max(1, count.get()),
                cpu.perToken(count.get()));
    }

    private static Wrk wrk(String url, Path queries, int connections, int seconds)
            throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(TsaBenchmark.class.getResource("/bench/tsa.lua").toURI());
        // bash's `times` prints the CPU time of its children (wrk) once wrk has exited.
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "wrk \"$@\" && times", "wrk", "-t2", "-c" + connections,
                "-d" + seconds + "s", "--latency", "-s", script.toString(), url).redirectErrorStream(true);
        pb.environment().put("SIGNET_BENCH_QUERIES", queries.toString());
        long cpu0 = processCpuNanos();
        CpuBreakdown cpu = new CpuBreakdown();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        long serverCpu = processCpuNanos() - cpu0;
        String non2xx = findOrNull(out, "Non-2xx or 3xx responses:\\s+(\\d+)");
        long requests = Long.parseLong(find(out, "(\\d+) requests in"));
        Matcher t = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(out.strip());
        if (!t.find()) {
            throw new IllegalStateException("no CPU times from bash in:\n" + out);
        }
        double wrkSeconds = Integer.parseInt(t.group(1)) * 60 + Double.parseDouble(t.group(2))
                + Integer.parseInt(t.group(3)) * 60 + Double.parseDouble(t.group(4));
        return new Wrk(Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)")), find(out, "\\s99%\\s+(\\S+)"),
                non2xx == null ? 0 : Long.parseLong(non2xx), requests, serverCpu / 1e3 / Math.max(1, requests),
                wrkSeconds * 1e6 / Math.max(1, requests), cpu.perToken(requests));
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Comparator.naturalOrder());
        return v.get(v.size() / 2);
    }

    private static String find(String text, String regex) {
        String v = findOrNull(text, regex);
        if (v == null) {
            throw new IllegalStateException("no match for " + regex + " in:\n" + text);
        }
        return v;
    }

    private static String findOrNull(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
