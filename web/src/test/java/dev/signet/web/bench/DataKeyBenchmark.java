package dev.signet.web.bench;

import dev.signet.ca.DataKeys;
import dev.signet.hsm.DataCipher;
import dev.signet.web.HttpServer;
import dev.signet.web.SignetServer;
import dev.signet.web.api.DataKeyController;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.Authenticator;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.Role;
import dev.signet.web.auth.StoreSecurityAudit;
import dev.signet.web.auth.StoreTokenDirectory;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.http.HttpMetrics;
import dev.signet.web.http.ListenSocket;
import dev.signet.web.http.Route;
import dev.signet.web.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Data-key encrypt and decrypt of 1 KiB payloads over HTTP (wrk on loopback, JSON bodies with
 * base64) against AES-256-GCM through the boundary in-process (the same {@code DataCipher} the
 * server uses, called by as many threads as wrk has connections), in the same process and run.
 * Also prints the in-process rate of the data-key service (grant and state checks, ciphertext
 * format) and two HTTP floors that read the same requests and answer the same bytes: a bare
 * Jetty handler (no framework, no authentication, no JSON, no crypto), and Signet's own HTTP stack
 * (the same {@link HttpServer} chain, Javalin, metrics, access log, and the bearer-token guard of a
 * signer route) with a handler that only writes a fixed answer; the differences show where the
 * time goes. Then the same with batches ({@code batchInput} of {@value #BATCH} items of 1 KiB per
 * request, as Vault transit takes them): items per second over HTTP against the same AES-GCM calls
 * in-process, the server's CPU per item, wrk's own CPU per item (from bash's {@code times}), and
 * the same two floors answering the real batch answer's bytes. Warm-up: 20 s of each load first;
 * the load average is printed with the results (the machine is shared). Run with:
 *
 * <pre>mvn -B -ntp -q -pl web -am test-compile exec:java@web-bench -Dexec.mainClass=dev.signet.web.bench.DataKeyBenchmark -Dexec.args="software"</pre>
 *
 * For SoftHSM2 pass {@code pkcs11} and set SOFTHSM2_CONF to a file this may write (a fresh token
 * is made beside it). Arguments: backend [seconds per measurement, default 10; three rounds]
 * [concurrency, default 8] [loads: all (default), single or batch].
 */
public final class DataKeyBenchmark {

    private static final int PAYLOAD = 1024;
    private static final int BATCH = 100;
    private static final int ROUNDS = 3;
    private static final int WARMUP_SECONDS = 20;
    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final Map<String, String> CONTEXT = Map.of("app", "bench");

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "software";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        String which = args.length > 3 ? args[3] : "all";
        Path dir = Files.createTempDirectory("signet-dk-bench");
        try (SignetServer server = SignetServer.start(config(backend, dir),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String base = "http://127.0.0.1:" + server.port();
            DataKeys keys = server.services().dataKeys();
            keys.create("bench", "bench");
            String token = server.services().access().createToken("bench", "signer", Set.of(), null, "bench").secret();
            String tokenId = server.services().access().findBySecret(token).orElseThrow().id();
            keys.grant("bench", tokenId, true, true, "bench");
            DataKeys.Caller caller = new DataKeys.Caller(tokenId, "bench");
            byte[] plaintext = new byte[PAYLOAD];
            new java.security.SecureRandom().nextBytes(plaintext);
            String ciphertext = keys.encrypt("bench", caller, plaintext, CONTEXT);
            DataCipher boundary = server.services().encryptionKeys().find(keys.get("bench").versions().get(0).hsmLabel())
                    .orElseThrow();
            byte[] aad = "header and context".getBytes(StandardCharsets.UTF_8);
            byte[] sealed = boundary.encrypt(plaintext, aad);

            Path encScript = lua(dir, "encrypt", token, Json.MAPPER.writeValueAsString(
                    Map.of("plaintext", Base64.getEncoder().encodeToString(plaintext), "context", CONTEXT)));
            Path decScript = lua(dir, "decrypt", token, Json.MAPPER.writeValueAsString(
                    Map.of("ciphertext", ciphertext, "context", CONTEXT)));
            String encUrl = base + "/api/v1/keys/data/bench/encrypt";
            String decUrl = base + "/api/v1/keys/data/bench/decrypt";
            Server floor = floorServer(Json.MAPPER.writeValueAsBytes(new DataKeyController.CiphertextView(ciphertext, "bench", 1)),
                    Json.MAPPER.writeValueAsBytes(new DataKeyController.PlaintextView(Base64.getEncoder().encodeToString(plaintext))));
            String floorBase = "http://127.0.0.1:" + ((ServerConnector) floor.getConnectors()[0]).getLocalPort();
            String floorEnc = floorBase + "/api/v1/keys/data/bench/encrypt";
            String floorDec = floorBase + "/api/v1/keys/data/bench/decrypt";
            HttpServer stack = stackServer(server, Json.MAPPER.writeValueAsBytes(new DataKeyController.CiphertextView(ciphertext, "bench", 1)),
                    Json.MAPPER.writeValueAsBytes(new DataKeyController.PlaintextView(Base64.getEncoder().encodeToString(plaintext))));
            String stackBase = "http://127.0.0.1:" + stack.port();
            String stackEnc = stackBase + "/api/v1/keys/data/bench/encrypt";
            String stackDec = stackBase + "/api/v1/keys/data/bench/decrypt";

            List<Map<String, Object>> plainItems = new ArrayList<>();
            List<DataKeys.Item<byte[]>> plainBatch = new ArrayList<>();
            List<Map<String, Object>> cipherItems = new ArrayList<>();
            List<DataKeys.Item<String>> cipherBatch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                byte[] p = new byte[PAYLOAD];
                new java.security.SecureRandom().nextBytes(p);
                String c = keys.encrypt("bench", caller, p, CONTEXT);
                plainItems.add(Map.of("plaintext", Base64.getEncoder().encodeToString(p)));
                plainBatch.add(new DataKeys.Item<>(p, CONTEXT));
                cipherItems.add(Map.of("ciphertext", c));
                cipherBatch.add(new DataKeys.Item<>(c, CONTEXT));
            }
            String encBatchBody = Json.MAPPER.writeValueAsString(Map.of("context", CONTEXT, "batchInput", plainItems));
            String decBatchBody = Json.MAPPER.writeValueAsString(Map.of("context", CONTEXT, "batchInput", cipherItems));
            Path encBatchScript = lua(dir, "encrypt-batch", token, encBatchBody);
            Path decBatchScript = lua(dir, "decrypt-batch", token, decBatchBody);
            // The floors of a batch answer the real answer's bytes, as the server made them once.
            byte[] encBatchAnswer = post(encUrl, token, encBatchBody);
            byte[] decBatchAnswer = post(decUrl, token, decBatchBody);
            Server batchFloor = floorServer(encBatchAnswer, decBatchAnswer);
            String batchFloorBase = "http://127.0.0.1:" + ((ServerConnector) batchFloor.getConnectors()[0]).getLocalPort();
            HttpServer batchStack = stackServer(server, encBatchAnswer, decBatchAnswer);
            String batchStackBase = "http://127.0.0.1:" + batchStack.port();

            List<Load> all = List.of(
                    new Load("encrypt", false, () -> rate(() -> boundary.encrypt(plaintext, aad), concurrency, seconds),
                            () -> rate(() -> keys.encrypt("bench", caller, plaintext, CONTEXT), concurrency, seconds),
                            () -> wrk(encUrl, encScript, concurrency, seconds),
                            () -> wrk(floorEnc, encScript, concurrency, seconds),
                            () -> wrk(stackEnc, encScript, concurrency, seconds)),
                    new Load("decrypt", false, () -> rate(() -> boundary.decrypt(sealed, aad), concurrency, seconds),
                            () -> rate(() -> keys.decrypt("bench", caller, ciphertext, CONTEXT), concurrency, seconds),
                            () -> wrk(decUrl, decScript, concurrency, seconds),
                            () -> wrk(floorDec, decScript, concurrency, seconds),
                            () -> wrk(stackDec, decScript, concurrency, seconds)),
                    // Batches: rates in items per second (a request carries BATCH of them).
                    new Load("encrypt batch", true, () -> rate(() -> boundary.encrypt(plaintext, aad), concurrency, seconds),
                            () -> BATCH * rate(() -> keys.encryptBatch("bench", caller, plainBatch), concurrency, seconds),
                            () -> BATCH * wrk(encUrl, encBatchScript, concurrency, seconds),
                            () -> BATCH * wrk(batchFloorBase + "/encrypt", encBatchScript, concurrency, seconds),
                            () -> BATCH * wrk(batchStackBase + "/api/v1/keys/data/bench/encrypt", encBatchScript, concurrency, seconds)),
                    new Load("decrypt batch", true, () -> rate(() -> boundary.decrypt(sealed, aad), concurrency, seconds),
                            () -> BATCH * rate(() -> keys.decryptBatch("bench", caller, cipherBatch), concurrency, seconds),
                            () -> BATCH * wrk(decUrl, decBatchScript, concurrency, seconds),
                            () -> BATCH * wrk(batchFloorBase + "/decrypt", decBatchScript, concurrency, seconds),
                            () -> BATCH * wrk(batchStackBase + "/api/v1/keys/data/bench/decrypt", decBatchScript, concurrency, seconds)));
            List<Load> loads = all.stream().filter(l -> which.equals("all") || (which.equals("batch") == l.batch())).toList();
            System.out.printf("backend %s, 1 KiB payloads, %d threads / wrk -t2 -c%d, %d s per measurement%n",
                    server.services().hsmBackend(), concurrency, concurrency, seconds);
            System.out.printf("warming up: %d s of each load (boundary, service, HTTP, floors; encrypt and decrypt; %s)...%n",
                    WARMUP_SECONDS, which);
            rate(() -> boundary.encrypt(plaintext, aad), concurrency, WARMUP_SECONDS);
            rate(() -> boundary.decrypt(sealed, aad), concurrency, WARMUP_SECONDS);
            if (!which.equals("batch")) {
                rate(() -> keys.encrypt("bench", caller, plaintext, CONTEXT), concurrency, WARMUP_SECONDS);
                rate(() -> keys.decrypt("bench", caller, ciphertext, CONTEXT), concurrency, WARMUP_SECONDS);
                wrk(encUrl, encScript, concurrency, WARMUP_SECONDS);
                wrk(decUrl, decScript, concurrency, WARMUP_SECONDS);
                wrk(floorEnc, encScript, concurrency, WARMUP_SECONDS);
                wrk(floorDec, decScript, concurrency, WARMUP_SECONDS);
                wrk(stackEnc, encScript, concurrency, WARMUP_SECONDS);
                wrk(stackDec, decScript, concurrency, WARMUP_SECONDS);
            }
            if (!which.equals("single")) {
                rate(() -> keys.encryptBatch("bench", caller, plainBatch), concurrency, WARMUP_SECONDS);
                rate(() -> keys.decryptBatch("bench", caller, cipherBatch), concurrency, WARMUP_SECONDS);
                wrk(encUrl, encBatchScript, concurrency, WARMUP_SECONDS);
                wrk(decUrl, decBatchScript, concurrency, WARMUP_SECONDS);
                wrk(batchFloorBase + "/encrypt", encBatchScript, concurrency, WARMUP_SECONDS);
                wrk(batchStackBase + "/api/v1/keys/data/bench/encrypt", encBatchScript, concurrency, WARMUP_SECONDS);
            }
            System.out.println("load: " + uptime());

            for (Load l : loads) {
                if (l.batch()) {
                    measureBatch(l, seconds);
                    continue;
                }
                List<Measured> boundaryRates = new ArrayList<>();
                List<Measured> serviceRates = new ArrayList<>();
                List<Measured> httpRates = new ArrayList<>();
                List<Measured> floorRates = new ArrayList<>();
                List<Measured> stackRates = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    // Alternate the order so that load from elsewhere on the machine hits all sides alike.
                    if (round % 2 == 0) {
                        boundaryRates.add(measure(l.boundary, seconds));
                        serviceRates.add(measure(l.service, seconds));
                        httpRates.add(measure(l.http, seconds));
                        floorRates.add(measure(l.floor, seconds));
                        stackRates.add(measure(l.stack, seconds));
                    } else {
                        stackRates.add(measure(l.stack, seconds));
                        floorRates.add(measure(l.floor, seconds));
                        httpRates.add(measure(l.http, seconds));
                        serviceRates.add(measure(l.service, seconds));
                        boundaryRates.add(measure(l.boundary, seconds));
                    }
                    System.out.printf("%s round %d: boundary %.0f/s (%.1f us CPU/op), service %.0f/s (%.1f us), "
                                    + "HTTP %.0f/s (%.1f us in the server), bare Jetty %.0f/s (%.1f us), "
                                    + "Signet's stack, fixed answer %.0f/s (%.1f us); load %s%n", l.name, round + 1,
                            boundaryRates.get(round).perSecond(), boundaryRates.get(round).cpuMicrosPerOp(),
                            serviceRates.get(round).perSecond(), serviceRates.get(round).cpuMicrosPerOp(),
                            httpRates.get(round).perSecond(), httpRates.get(round).cpuMicrosPerOp(),
                            floorRates.get(round).perSecond(), floorRates.get(round).cpuMicrosPerOp(),
                            stackRates.get(round).perSecond(), stackRates.get(round).cpuMicrosPerOp(), uptime());
                }
                double b = median(boundaryRates.stream().map(Measured::perSecond).toList());
                double s = median(serviceRates.stream().map(Measured::perSecond).toList());
                double h = median(httpRates.stream().map(Measured::perSecond).toList());
                double bc = median(boundaryRates.stream().map(Measured::cpuMicrosPerOp).toList());
                double hc = median(httpRates.stream().map(Measured::cpuMicrosPerOp).toList());
                double f = median(floorRates.stream().map(Measured::perSecond).toList());
                double fc = median(floorRates.stream().map(Measured::cpuMicrosPerOp).toList());
                double st = median(stackRates.stream().map(Measured::perSecond).toList());
                double stc = median(stackRates.stream().map(Measured::cpuMicrosPerOp).toList());
                double sc = median(serviceRates.stream().map(Measured::cpuMicrosPerOp).toList());
                System.out.printf("%s median: boundary in-process %.0f/s, data-key service in-process %.0f/s, HTTP %.0f/s, "
                        + "bare Jetty %.0f/s; ratio HTTP / boundary = %.3f (target >= 0.5 on software), HTTP / service = %.3f, "
                        + "bare Jetty / boundary = %.3f (HTTP with nothing behind it), HTTP / bare Jetty = %.3f; "
                        + "CPU per operation: boundary %.1f us, HTTP %.1f us in the server (ratio %.3f), bare Jetty %.1f us%n",
                        l.name, b, s, h, f, h / b, h / s, f / b, h / f, bc, hc, bc / hc, fc);
                System.out.printf("%s: Signet's stack with a fixed answer %.0f/s, %.1f us (ratio to boundary %.3f). Server CPU per request: "
                        + "%.1f us Jetty, %.1f us Signet's stack and guard on top of it, %.1f us the handler (JSON, base64, the "
                        + "data-key service with its %.1f us in-process)%n",
                        l.name, st, stc, st / b, fc, stc - fc, hc - stc, sc);
            }
            System.out.println("load: " + uptime());
            floor.stop();
            stack.close();
            batchFloor.stop();
            batchStack.close();
            server.services().dataKeys().flushUsage();
        } finally {
            deleteTree(dir);
        }
    }

    /** A load; a batch load's service, HTTP and floor rates are in items per second. */
    record Load(String name, boolean batch, Supplier<Double> boundary, Supplier<Double> service, Supplier<Double> http,
                Supplier<Double> floor, Supplier<Double> stack) {}

    /**
     * Three alternating rounds of boundary, service (batch API in-process), HTTP batches and their
     * two floors (bare Jetty, and Signet's stack with the guard, each answering the real answer's
     * bytes after reading the same body), per item.
     */
    private static void measureBatch(Load l, int seconds) {
        List<Measured> boundaryRates = new ArrayList<>();
        List<Measured> serviceRates = new ArrayList<>();
        List<Measured> httpRates = new ArrayList<>();
        List<Measured> floorRates = new ArrayList<>();
        List<Measured> stackRates = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            if (round % 2 == 0) {
                boundaryRates.add(measure(l.boundary, seconds));
                serviceRates.add(measure(l.service, seconds));
                httpRates.add(measure(l.http, seconds));
                floorRates.add(measure(l.floor, seconds));
                stackRates.add(measure(l.stack, seconds));
            } else {
                stackRates.add(measure(l.stack, seconds));
                floorRates.add(measure(l.floor, seconds));
                httpRates.add(measure(l.http, seconds));
                serviceRates.add(measure(l.service, seconds));
                boundaryRates.add(measure(l.boundary, seconds));
            }
            System.out.printf("%s (%d x 1 KiB per request) round %d: boundary %.0f calls/s (%.1f us CPU/call), service batch %.0f items/s "
                            + "(%.1f us/item), HTTP %.0f items/s (%.1f us CPU/item in the server, %.0f us per request), bare Jetty "
                            + "%.0f items/s (%.1f us), Signet's stack, fixed answer %.0f items/s (%.1f us); load %s%n",
                    l.name, BATCH, round + 1, boundaryRates.get(round).perSecond(), boundaryRates.get(round).cpuMicrosPerOp(),
                    serviceRates.get(round).perSecond(), serviceRates.get(round).cpuMicrosPerOp(), httpRates.get(round).perSecond(),
                    httpRates.get(round).cpuMicrosPerOp(), httpRates.get(round).cpuMicrosPerOp() * BATCH,
                    floorRates.get(round).perSecond(), floorRates.get(round).cpuMicrosPerOp(),
                    stackRates.get(round).perSecond(), stackRates.get(round).cpuMicrosPerOp(), uptime());
        }
        double b = median(boundaryRates.stream().map(Measured::perSecond).toList());
        double s = median(serviceRates.stream().map(Measured::perSecond).toList());
        double h = median(httpRates.stream().map(Measured::perSecond).toList());
        double f = median(floorRates.stream().map(Measured::perSecond).toList());
        double st = median(stackRates.stream().map(Measured::perSecond).toList());
        double bc = median(boundaryRates.stream().map(Measured::cpuMicrosPerOp).toList());
        double sc = median(serviceRates.stream().map(Measured::cpuMicrosPerOp).toList());
        double hc = median(httpRates.stream().map(Measured::cpuMicrosPerOp).toList());
        double fc = median(floorRates.stream().map(Measured::cpuMicrosPerOp).toList());
        double stc = median(stackRates.stream().map(Measured::cpuMicrosPerOp).toList());
        System.out.printf("%s median: boundary in-process %.0f calls/s, service batch in-process %.0f items/s, HTTP %.0f items/s; "
                        + "ratio HTTP items / boundary calls = %.3f (target >= 0.5 on software), HTTP / service = %.3f; CPU per item: "
                        + "boundary %.1f us, service %.1f us, HTTP %.1f us in the server (ratio boundary / HTTP %.3f)%n",
                l.name, b, s, h, h / b, h / s, bc, sc, hc, bc / hc);
        double hw = median(httpRates.stream().map(Measured::wrkMicrosPerOp).toList());
        double fw = median(floorRates.stream().map(Measured::wrkMicrosPerOp).toList());
        System.out.printf("%s floors: bare Jetty %.0f items/s (%.3f of the boundary), Signet's stack with a fixed answer %.0f items/s "
                        + "(%.3f). Server CPU per item: %.1f us Jetty, %.1f us Signet's stack and guard on top of it, %.1f us the handler "
                        + "(JSON, base64, the data-key service with its %.1f us in-process). wrk's own CPU per item: %.1f us against "
                        + "Signet, %.1f us against bare Jetty; server and wrk together %.1f us per item over HTTP, against %.1f us per "
                        + "call in-process (ratio %.3f)%n",
                l.name, f, f / b, st, st / b, fc, stc - fc, hc - stc, sc, hw, fw, hc + hw, bc, bc / (hc + hw));
    }

    /**
     * Signet's HTTP stack as the server runs it (body deadline, eager body, graceful stop, Javalin,
     * error mapping, metrics and access log) with the bearer-token guard of a signer route, whose
     * handler only writes a fixed answer of the real answers' size. Two routes, not the full table.
     */
    private static HttpServer stackServer(SignetServer server, byte[] encryptAnswer, byte[] decryptAnswer) {
        var s = server.services();
        Guard guard = new Guard(new Authenticator(new StoreTokenDirectory(s.access()), java.time.Clock.systemUTC()),
                new StoreSecurityAudit(s.auditLog(), s.anonymousRefusals()));
        Access signer = Access.roles(Role.SIGNER);
        List<Route> routes = List.of(
                Route.post("/api/v1/keys/data/{name}/encrypt", signer, ctx -> fixed(ctx, encryptAnswer)),
                Route.post("/api/v1/keys/data/{name}/decrypt", signer, ctx -> fixed(ctx, decryptAnswer)));
        return HttpServer.start(ListenSocket.bind("127.0.0.1", 0), s.config().maxRequestBytes(), routes, guard,
                new HttpMetrics(s.metrics()), null);
    }

    /** Reads the body as a handler does, and answers bytes already made. */
    private static void fixed(io.javalin.http.Context ctx, byte[] answer) {
        ctx.bodyAsBytes();
        ctx.status(200).contentType("application/json").result(answer);
    }

    /**
     * The cost of HTTP itself on this machine: Jetty (the same version Javalin runs on) with one
     * handler that reads the whole body and answers fixed bytes, the size of the real answers.
     */
    private static Server floorServer(byte[] encryptAnswer, byte[] decryptAnswer) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asByteBuffer(request);
                byte[] answer = request.getHttpURI().getPath().endsWith("/encrypt") ? encryptAnswer : decryptAnswer;
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(answer), callback);
                return true;
            }
        });
        jetty.start();
        return jetty;
    }

    /** The load averages, as uptime prints them. */
    private static String uptime() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).strip();
            String[] f = s.split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * A rate and this process's CPU time per operation during it (the server's, for HTTP), and
     * wrk's own CPU time per operation (0 for in-process loads): on two cores, both are the budget.
     */
    record Measured(double perSecond, double cpuMicrosPerOp, double wrkMicrosPerOp) {}

    /** wrk's user and system CPU time in the last run, from the shell's {@code times}; on the measuring thread only. */
    private static long lastWrkCpuNanos;

    private static Measured measure(Supplier<Double> rate, int seconds) {
        lastWrkCpuNanos = 0;
        long cpu0 = processCpuNanos();
        double r = rate.get();
        long cpu = processCpuNanos() - cpu0;
        double ops = Math.max(1, r * seconds);
        return new Measured(r, cpu / 1e3 / ops, lastWrkCpuNanos / 1e3 / ops);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static dev.signet.web.config.SignetConfig config(String backend, Path dir) throws Exception {
        Path data = dir.resolve("data");
        if (backend.equals("software")) {
            return new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "benchmark")).load(null, data, 0);
        }
        if (!backend.equals("pkcs11")) {
            throw new IllegalArgumentException("backend is software or pkcs11");
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("set SOFTHSM2_CONF to a file this benchmark may write");
        }
        Path confFile = Path.of(conf).toAbsolutePath();
        Path tokens = confFile.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String label = "signet-dk-bench-" + System.nanoTime();
        Process init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label,
                "--so-pin", "12345678", "--pin", "87654321").redirectErrorStream(true).start();
        String out = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!init.waitFor(60, TimeUnit.SECONDS) || init.exitValue() != 0) {
            throw new IllegalStateException("softhsm2-util failed: " + out);
        }
        Path pin = dir.resolve("pin");
        Files.writeString(pin, "87654321");
        Path yaml = dir.resolve("signet.yaml");
        Files.writeString(yaml, "hsm:\n  backend: pkcs11\n  pkcs11:\n    library: " + LIBRARY + "\n    tokenLabel: " + label
                + "\n    pinFile: " + pin + "\n    sessions: 8\n");
        return new ConfigLoader(Map.of()).load(yaml, data, 0);
    }

    /** One request with the JDK's client: the answer's body, which must be a 200. */
    private static byte[] post(String url, String token, String body) throws IOException, InterruptedException {
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private static Path lua(Path dir, String name, String token, String body) throws IOException {
        Path script = dir.resolve(name + ".lua");
        Files.writeString(script, "wrk.method = \"POST\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"Authorization\"] = \"Bearer " + token + "\"\n"
                + "wrk.body = [[" + body + "]]\n");
        return script;
    }

    private static double rate(Runnable op, int threads, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    op.run();
                    n++;
                }
                count.addAndGet(n);
            });
            workers.add(w);
            w.start();
        }
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double wrk(String url, Path script, int connections, int seconds) {
        try {
            // Through bash, whose `times` prints its children's CPU time (wrk's) after it exits.
            Process p = new ProcessBuilder("bash", "-c", "wrk \"$@\"; rc=$?; times; exit $rc", "wrk", "-t2", "-c" + connections,
                    "-d" + seconds + "s", "-s", script.toString(), url).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
            Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(out);
            if (non2xx.find()) {
                throw new IllegalStateException("wrk saw " + non2xx.group(1) + " error responses:\n" + out);
            }
            Matcher t = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(out.strip());
            if (t.find()) { // the last line of `times`: the children's user and system time
                lastWrkCpuNanos = (long) ((Integer.parseInt(t.group(1)) * 60 + Double.parseDouble(t.group(2))
                        + Integer.parseInt(t.group(3)) * 60 + Double.parseDouble(t.group(4))) * 1e9);
            }
            Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no rate in wrk's output:\n" + out);
            }
            return Double.parseDouble(m.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wrk (apt-get install wrk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Comparator.naturalOrder());
        return v.get(v.size() / 2);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
