package dev.signet.web.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.web.SignetServer;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * HTTP issuance throughput, measured with wrk (2 threads, Lua script posting distinct CSRs) on
 * loopback against a real server, and compared with the in-process issuance rate (the CA facade
 * called directly by as many threads as wrk has connections) in the same process and run.
 * Prints certificates/s and p99 for both, and the ratio HTTP / in-process. Run with:
 *
 * <pre>mvn -B -ntp -q -pl web -am test-compile exec:java@web-bench -Dexec.mainClass=dev.signet.web.bench.IssuanceBenchmark</pre>
 *
 * Arguments: [seconds per measurement, default 10; three rounds of each] [concurrency, default 8].
 */
public final class IssuanceBenchmark {

    private static final int CSRS = 500;
    private static final int ROUNDS = 3;
    private static final int WARMUP_SECONDS = 15;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("signet-bench");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "benchmark")).load(null, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String base = "http://127.0.0.1:" + server.port();
            String token = server.services().access().createToken("bench", "officer", java.util.Set.of(), null, "bench").secret();
            String caId = issuingCa(base, token);
            System.out.printf("generating %d CSRs (P-256)...%n", CSRS);
            List<String> csrs = csrs();
            Path bodies = dir.resolve("bodies.jsonl");
            StringBuilder sb = new StringBuilder();
            for (String csr : csrs) {
                sb.append(Json.MAPPER.writeValueAsString(Map.of("profile", "tls-server", "csr", csr))).append('\n');
            }
            Files.writeString(bodies, sb);

            CertificateAuthorities ca = server.services().authorities();
            System.out.println("warming up (in-process and HTTP)...");
            // The JIT and the database's caches take a while: warm both paths well before measuring.
            inProcess(ca, caId, csrs, concurrency, WARMUP_SECONDS);
            wrk(base, caId, token, bodies, concurrency, WARMUP_SECONDS);
            dev.signet.ca.Storage db = server.services().database();

            // Alternate the two measurements and take medians, so that load from elsewhere on the
            // machine hits both sides alike.
            List<InProcess> directs = new ArrayList<>();
            List<Wrk> https = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // Alternate which side goes first, so neither always runs on a warmer process.
                long[] commits = new long[2];
                for (int side : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    long c0 = db.commitCount();
                    if (side == 0) {
                        directs.add(inProcess(ca, caId, csrs, concurrency, seconds));
                    } else {
                        https.add(wrk(base, caId, token, bodies, concurrency, seconds));
                    }
                    commits[side] = db.commitCount() - c0;
                }
                InProcess d = directs.get(round);
                Wrk h = https.get(round);
                System.out.printf("round %d: in-process %.0f certs/s (%.0f us CPU/cert, %.2f commits/cert), "
                                + "HTTP %.0f certs/s (%.0f us server + %.0f us wrk CPU/cert, %.2f commits/cert)%n",
                        round + 1, d.perSecond(), d.cpuMicrosPerCert(), commits[0] / (double) d.count(),
                        h.perSecond(), h.serverCpuMicrosPerCert(), h.wrkCpuMicrosPerCert(), commits[1] / (double) h.count());
            }
            directs.sort(Comparator.comparingDouble(InProcess::perSecond));
            https.sort(Comparator.comparingDouble(Wrk::perSecond));
            InProcess direct = directs.get(ROUNDS / 2);
            Wrk http = https.get(ROUNDS / 2);
            System.out.printf("median in-process: %.0f certs/s, p99 %.1f ms (%d threads)%n",
                    direct.perSecond(), direct.p99Millis(), concurrency);
            System.out.printf("median HTTP (wrk -t2 -c%d): %.0f certs/s, p99 %s, non-2xx %d%n",
                    concurrency, http.perSecond(), http.p99(), http.non2xx());
            for (io.micrometer.core.instrument.Timer t : server.services().metrics().find("signet.hsm.operations").timers()) {
                System.out.printf("HSM %s %s: %d operations, mean %.2f ms%n", t.getId().getTag("operation"),
                        t.getId().getTag("algorithm"), t.count(), t.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
            }
            System.out.printf("ratio HTTP / in-process = %.2f (target >= 0.8)%n", http.perSecond() / direct.perSecond());
            // Both sides share the 2 cores, so CPU per certificate is the steadier comparison.
            double directCpu = median(directs.stream().mapToDouble(InProcess::cpuMicrosPerCert).toArray());
            double serverCpu = median(https.stream().mapToDouble(Wrk::serverCpuMicrosPerCert).toArray());
            double wrkCpu = median(https.stream().mapToDouble(Wrk::wrkCpuMicrosPerCert).toArray());
            System.out.printf("CPU per certificate: in-process %.0f us; HTTP %.0f us in the server + %.0f us in wrk; "
                    + "ratio in-process / HTTP server = %.2f, in-process / (server + wrk) = %.2f%n",
                    directCpu, serverCpu, wrkCpu, directCpu / serverCpu, directCpu / (serverCpu + wrkCpu));
        } finally {
            deleteTree(dir);
        }
    }

    record InProcess(double perSecond, double p99Millis, long count, double cpuMicrosPerCert) {}

    record Wrk(double perSecond, String p99, long non2xx, double serverCpuMicrosPerCert, double wrkCpuMicrosPerCert, long count) {}

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    /** CPU time of this whole process (all threads, the store writer and GC included), in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static InProcess inProcess(CertificateAuthorities ca, String caId, List<String> csrs, int threads, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int t = 0; t < threads; t++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    byte[] csr = csrs.get(Math.floorMod(next.getAndIncrement(), csrs.size())).getBytes(StandardCharsets.US_ASCII);
                    long t0 = System.nanoTime();
                    ca.issue(caId, "tls-server", csr, "bench");
                    mine.add(System.nanoTime() - t0);
                    count.incrementAndGet();
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = processCpuNanos() - cpu0;
        List<Long> all = new ArrayList<>();
        latencies.forEach(all::addAll);
        all.sort(Comparator.naturalOrder());
        double p99 = all.isEmpty() ? 0 : all.get((int) Math.min(all.size() - 1, Math.ceil(all.size() * 0.99) - 1)) / 1e6;
        return new InProcess(count.get() / elapsed, p99, count.get(), cpu / 1e3 / Math.max(1, count.get()));
    }

    private static Wrk wrk(String base, String caId, String token, Path bodies, int connections, int seconds)
            throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(IssuanceBenchmark.class.getResource("/bench/issue.lua").toURI());
        // bash's `times` prints the CPU time of its children (wrk) once wrk has exited.
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "wrk \"$@\" && times", "wrk", "-t2", "-c" + connections,
                "-d" + seconds + "s", "--latency", "-s", script.toString(), base + "/api/v1/cas/" + caId + "/certificates")
                .redirectErrorStream(true);
        pb.environment().put("SIGNET_BENCH_BODIES", bodies.toString());
        pb.environment().put("SIGNET_TOKEN", token);
        long cpu0 = processCpuNanos();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        double rps = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)"));
        String p99 = find(out, "\\s99%\\s+(\\S+)");
        String non2xx = findOrNull(out, "Non-2xx or 3xx responses:\\s+(\\d+)");
        long serverCpu = processCpuNanos() - cpu0;
        long requests = Long.parseLong(find(out, "(\\d+) requests in"));
        // The second line of `times`: children's user and system time, as "XmY.YYYs XmY.YYYs".
        Matcher t = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(out.strip());
        if (!t.find()) {
            throw new IllegalStateException("no CPU times from bash in:\n" + out);
        }
        double wrkSeconds = Integer.parseInt(t.group(1)) * 60 + Double.parseDouble(t.group(2))
                + Integer.parseInt(t.group(3)) * 60 + Double.parseDouble(t.group(4));
        return new Wrk(rps, p99, non2xx == null ? 0 : Long.parseLong(non2xx),
                serverCpu / 1e3 / Math.max(1, requests), wrkSeconds * 1e6 / Math.max(1, requests), requests);
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

    private static String issuingCa(String base, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cas"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode ca : Json.MAPPER.readTree(r.body())) {
            if (ca.hasNonNull("parentId")) {
                return ca.get("id").asText();
            }
        }
        throw new IllegalStateException("no issuing CA: " + r.body());
    }

    static List<String> csrs() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < CSRS; i++) {
            KeyPair kp = g.generateKeyPair();
            String name = "bench" + i + ".example.com";
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name), kp.getPublic())
                        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            }
            out.add(w.toString());
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
