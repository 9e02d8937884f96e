package dev.signet.web.bench;

import dev.signet.web.SignetServer;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OCSP responder throughput with wrk on loopback, 50 different P-256 certificates per responder,
 * side by side in one run:
 * <ul>
 * <li>(a) pre-signed responses, no nonce: Signet over POST and over GET against CFSSL's pre-signed
 * responder ({@code cfssl ocspserve}, 50 responses made by {@code cfssl ocspsign}; POST only, its
 * GET answers 400);
 * <li>(b) a nonce in every request, so every response is signed: Signet against OpenSSL's
 * responder ({@code openssl ocsp -index ... -multi 2 -timeout 2}), over POST.
 * </ul>
 * Signet is warmed up with 20 s of the same load before each of its measurements (JIT), the peers
 * with 5 s. Needs wrk, openssl and golang-cfssl (apt-get install wrk golang-cfssl). Run with:
 *
 * <pre>mvn -B -ntp -q -pl web -am test-compile exec:java@ocsp-bench -Dexec.mainClass=dev.signet.web.bench.OcspBenchmark</pre>
 *
 * Arguments: [seconds per measurement, default 15] [connections, default 16].
 */
public final class OcspBenchmark {

    private static final int CERTIFICATES = 50;
    private static final int SIGNET_WARMUP = 20;
    private static final int PEER_WARMUP = 5;

    record Result(String name, double perSecond, String p99, long errors, double cpuMicros) {
        @Override
        public String toString() {
            return String.format("%-34s %9.0f responses/s  p99 %-8s %6.0f us CPU/response  failed (not HTTP 200 + OCSP successful, or socket errors) %d",
                    name, perSecond, p99, cpuMicros, errors);
        }

        Result named(String n) {
            return new Result(n, perSecond, p99, errors, cpuMicros);
        }
    }

    /** CPU time of this process (Signet's server runs in it), in ns. */
    private static long ownCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of a peer's process and its workers, in ns. */
    private static java.util.function.LongSupplier cpuOf(Process p) {
        return () -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()), p.descendants())
                .mapToLong(h -> h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory("signet-ocsp-bench");
        List<Process> peers = new ArrayList<>();
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "benchmark")).load(null, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String base = "http://127.0.0.1:" + server.port();
            String caId = "signet-demo-issuing-ca";
            Path signet = Files.createDirectories(dir.resolve("signet"));
            Path issuer = Files.writeString(signet.resolve("issuer.pem"), server.services().authorities().get(caId).certificatePem());
            System.out.printf("issuing %d P-256 certificates from Signet and from a CFSSL CA...%n", CERTIFICATES);
            List<Path> signetLeaves = new ArrayList<>();
            for (int i = 0; i < CERTIFICATES; i++) {
                Path csr = signet.resolve("leaf" + i + ".csr");
                run(signet, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", signet.resolve("leaf" + i + ".key").toString(), "-subj", "/CN=ocsp" + i + ".bench.example",
                        "-addext", "subjectAltName=DNS:ocsp" + i + ".bench.example", "-out", csr.toString());
                String pem = server.services().authorities().issue(caId, "tls-server", Files.readAllBytes(csr), "bench")
                        .certificatePem();
                signetLeaves.add(Files.writeString(signet.resolve("leaf" + i + ".pem"), pem));
            }
            Path signetPost = requests(signet, issuer, signetLeaves, false, false);
            Path signetGet = requests(signet, issuer, signetLeaves, false, true);
            Path signetNonce = requests(signet, issuer, signetLeaves, true, false);
            String check = run(signet, "openssl", "ocsp", "-issuer", issuer.toString(), "-cert", signetLeaves.get(0).toString(),
                    "-url", base + "/ocsp/" + caId, "-noverify");
            if (!check.contains(": good")) {
                throw new IllegalStateException("Signet's responder does not answer good: " + check);
            }

            Path cf = Files.createDirectories(dir.resolve("cfssl"));
            Files.writeString(cf.resolve("ca.json"), "{\"CN\":\"Peer CA\",\"key\":{\"algo\":\"ecdsa\",\"size\":256}}");
            run(cf, "bash", "-c", "cfssl gencert -initca ca.json | cfssljson -bare ca");
            Path cfCa = cf.resolve("ca.pem");
            Path cfKey = cf.resolve("ca-key.pem");
            List<Path> cfLeaves = new ArrayList<>();
            StringBuilder responses = new StringBuilder();
            StringBuilder index = new StringBuilder();
            for (int i = 0; i < CERTIFICATES; i++) {
                Path csr = cf.resolve("leaf" + i + ".csr");
                run(cf, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", cf.resolve("leaf" + i + ".key").toString(), "-subj", "/CN=peer" + i + ".bench.example",
                        "-out", csr.toString());
                Path leaf = cf.resolve("leaf" + i + ".pem");
                run(cf, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", cfCa.toString(), "-CAkey", cfKey.toString(),
                        "-set_serial", String.valueOf(1000 + i), "-days", "30", "-out", leaf.toString());
                cfLeaves.add(leaf);
                String signed = run(cf, "cfssl", "ocspsign", "-ca", cfCa.toString(), "-responder", cfCa.toString(),
                        "-responder-key", cfKey.toString(), "-cert", leaf.toString(), "-status", "good");
                responses.append(Json.MAPPER.readTree(signed.substring(signed.indexOf('{'))).get("ocspResponse").asText()).append('\n');
                String serial = run(cf, "openssl", "x509", "-in", leaf.toString(), "-noout", "-serial").strip().substring("serial=".length());
                index.append("V\t491231235959Z\t\t").append(serial).append("\tunknown\t/CN=peer").append(i).append(".bench.example\n");
            }
            Files.writeString(cf.resolve("responses"), responses);
            Files.writeString(cf.resolve("index.txt"), index);
            Path cfPost = requests(cf, cfCa, cfLeaves, false, false);
            Path cfNonce = requests(cf, cfCa, cfLeaves, true, false);

            int cfPort = freePort();
            Process cfssl = start(cf, "cfssl", "ocspserve", "-responses", cf.resolve("responses").toString(),
                    "-address", "127.0.0.1", "-port", String.valueOf(cfPort));
            peers.add(cfssl);
            await(cfPort);
            String cfBase = "http://127.0.0.1:" + cfPort;
            String peerCheck = run(cf, "openssl", "ocsp", "-issuer", cfCa.toString(), "-cert", cfLeaves.get(0).toString(),
                    "-url", cfBase + "/", "-noverify", "-no_nonce");
            if (!peerCheck.contains(": good")) {
                throw new IllegalStateException("cfssl ocspserve does not answer good: " + peerCheck);
            }

            String signetPath = "/ocsp/" + caId;
            List<Result> results = new ArrayList<>();
            System.out.printf("measuring (%d s each, wrk -t2 -c%d; warm-up %d s for Signet, %d s for the peers)...%n",
                    seconds, connections, SIGNET_WARMUP, PEER_WARMUP);
            wrk(base, signetPath, signetPost, "post", connections, SIGNET_WARMUP);
            Result sPost = wrk(base, signetPath, signetPost, "post", connections, seconds).named("(a) Signet, POST, no nonce");
            wrk(base, signetPath, signetGet, "get", connections, PEER_WARMUP);
            Result sGet = wrk(base, signetPath, signetGet, "get", connections, seconds).named("(a) Signet, GET, no nonce");
            wrk(cfBase, "/", cfPost, "post", connections, PEER_WARMUP, cpuOf(cfssl));
            Result cPost = wrk(cfBase, "/", cfPost, "post", connections, seconds, cpuOf(cfssl)).named("(a) cfssl ocspserve, POST");
            wrk(base, signetPath, signetNonce, "post", connections, SIGNET_WARMUP);
            Result sNonce = wrk(base, signetPath, signetNonce, "post", connections, seconds).named("(b) Signet, POST, nonce");
            // OpenSSL 3.0.x's `ocsp -multi` workers spin at 100% CPU and answer nothing more once a
            // client closes a connection without a request (a bare connect to see whether the port
            // listens) or a load generator closes its keep-alive connections (wrk at the end of every
            // run: they stay in CLOSE-WAIT). So the responder gets a fresh process for its one
            // measured run (it is C: no JIT to warm up), and readiness is tested with real requests.
            int osPort = freePort();
            Process openssl = start(cf, "openssl", "ocsp", "-index", cf.resolve("index.txt").toString(),
                    "-port", String.valueOf(osPort), "-rsigner", cfCa.toString(), "-rkey", cfKey.toString(),
                    "-CA", cfCa.toString(), "-ndays", "1", "-multi", "2", "-timeout", "2");
            peers.add(openssl);
            String osBase = "http://127.0.0.1:" + osPort;
            String osCheck = "";
            for (int attempt = 0; attempt < 50 && !osCheck.contains(": good"); attempt++) {
                Thread.sleep(200);
                osCheck = runAllowingFailure(cf, "openssl", "ocsp", "-issuer", cfCa.toString(), "-cert",
                        cfLeaves.get(0).toString(), "-url", osBase + "/", "-noverify");
            }
            if (!osCheck.contains(": good")) {
                throw new IllegalStateException("openssl ocsp does not answer good: " + osCheck);
            }
            Result oNonce = wrk(osBase, "/", cfNonce, "post", connections, seconds, cpuOf(openssl))
                    .named("(b) openssl ocsp -multi 2, nonce");
            stop(openssl);
            System.out.println("load: " + run(dir, "uptime").strip());
            for (Result r : List.of(sPost, sGet, cPost, sNonce, oNonce)) {
                System.out.println(r);
            }
            System.out.printf("ratio (a) Signet POST / cfssl POST = %.2f; Signet GET / cfssl POST = %.2f%n",
                    sPost.perSecond() / cPost.perSecond(), sGet.perSecond() / cPost.perSecond());
            System.out.printf("ratio (b) Signet nonce / openssl nonce = %.2f%n", sNonce.perSecond() / oNonce.perSecond());
            System.out.printf("CPU per response, peer / Signet (above 1: Signet needs less): (a) %.2f POST, %.2f GET; (b) %.2f%n",
                    cPost.cpuMicros() / sPost.cpuMicros(), cPost.cpuMicros() / sGet.cpuMicros(),
                    oNonce.cpuMicros() / sNonce.cpuMicros());
            results.add(sPost);
        } finally {
            for (Process p : peers) {
                stop(p);
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        List<ProcessHandle> workers = p.descendants().toList(); // openssl ocsp -multi forks its workers
        p.destroy();
        workers.forEach(ProcessHandle::destroy);
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    /** One OCSP request per certificate, as hex DER lines (POST) or URL-encoded base64 lines (GET). */
    private static Path requests(Path dir, Path issuer, List<Path> leaves, boolean nonce, boolean get) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < leaves.size(); i++) {
            Path req = dir.resolve("req" + i + ".der");
            run(dir, "openssl", "ocsp", "-issuer", issuer.toString(), "-cert", leaves.get(i).toString(),
                    nonce ? "-nonce" : "-no_nonce", "-reqout", req.toString());
            byte[] der = Files.readAllBytes(req);
            out.append(get ? URLEncoder.encode(Base64.getEncoder().encodeToString(der), StandardCharsets.US_ASCII)
                    : HexFormat.of().formatHex(der)).append('\n');
        }
        return Files.writeString(dir.resolve((nonce ? "nonce" : "plain") + (get ? "-get" : "-post") + ".txt"), out);
    }

    private static Result wrk(String base, String path, Path file, String mode, int connections, int seconds) throws Exception {
        return wrk(base, path, file, mode, connections, seconds, OcspBenchmark::ownCpu);
    }

    private static Result wrk(String base, String path, Path file, String mode, int connections, int seconds,
            java.util.function.LongSupplier cpu) throws Exception {
        Path script = Path.of(OcspBenchmark.class.getResource("/bench/ocsp.lua").toURI());
        ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-s", script.toString(), base + path).redirectErrorStream(true);
        pb.environment().put("OCSP_FILE", file.toString());
        pb.environment().put("OCSP_PATH", path);
        pb.environment().put("OCSP_MODE", mode);
        long cpu0 = cpu.getAsLong();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        long cpuNanos = cpu.getAsLong() - cpu0;
        long requests = Long.parseLong(find(out, "(\\d+) requests in"));
        String socket = find(out, "Socket errors: (.*)");
        String failed = find(out, "OCSP answers not successful: (\\d+)");
        if (failed == null) {
            throw new IllegalStateException("the wrk script did not report its checks:\n" + out);
        }
        // Non-2xx answers are counted by the script's check too (not added twice).
        long errors = Long.parseLong(failed);
        if (socket != null) {
            for (String n : socket.replaceAll("[^0-9 ]", " ").trim().split("\\s+")) {
                errors += n.isEmpty() ? 0 : Long.parseLong(n);
            }
        }
        return new Result("", Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)")), find(out, "\\s99%\\s+(\\S+)"), errors,
                cpuNanos / 1e3 / Math.max(1, requests));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static String runAllowingFailure(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static Process start(Path dir, String... command) throws Exception {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on " + port);
    }
}
