package dev.signet.web.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.NodeProcess;
import dev.signet.web.PostgresCluster;
import dev.signet.web.SoftHsm2Token;
import dev.signet.web.http.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP issuance and pre-signed OCSP on three set-ups, measured in one run with wrk on loopback:
 * one node on SQLite, one node on PostgreSQL, and two nodes on one PostgreSQL (round-robin: one
 * wrk per node, at once, half the connections each). Every node is a {@code serve} process on a
 * SoftHSM2 token (two nodes share one), so only the database and the node count differ. Prints
 * requests/s, p99, CPU per certificate (nodes, PostgreSQL, wrk) and the ratios against SQLite.
 * Each load is warmed up for {@value #WARMUP_SECONDS} s before it is measured. Run with:
 *
 * <pre>mvn -B -ntp -q -pl web -am test-compile exec:java@web-bench -Dexec.mainClass=dev.signet.web.bench.NodesBenchmark</pre>
 *
 * Arguments: [seconds per measurement, default 15] [connections, default 8].
 */
public final class NodesBenchmark {

    private static final int WARMUP_SECONDS = 20;
    private static final int OCSP_CERTIFICATES = 50;
    private static final Pattern ADMIN_TOKEN = Pattern.compile("(?m)^\\s+(sgt_\\S+)\\s*$");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Result(double perSecond, String p99, long errors, Duration nodeCpu, Duration dbCpu, Duration wrkCpu, long requests) {
        double micros(Duration d) {
            return d.toNanos() / 1e3 / Math.max(1, requests);
        }
    }

    record Setup(String name, List<NodeProcess> nodes, PostgresCluster db, String officer, String caId, Path ocspRequests) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        // Which set-ups to run (0 SQLite, 1 PostgreSQL, 2 two PostgreSQL nodes): all unless named.
        String only = args.length > 2 ? args[2] : "0,1,2";
        Path dir = Files.createTempDirectory("signet-nodes-bench");
        Path softhsmConf = softhsm(dir);
        Map<String, String> env = Map.of("SOFTHSM2_CONF", softhsmConf.toString(), "SIGNET_BENCH_DB_PASSWORD", "trust, unused");
        System.out.println("load " + uptime());
        List<String> csrs = IssuanceBenchmark.csrs();
        StringBuilder sb = new StringBuilder();
        for (String csr : csrs) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("profile", "tls-server", "csr", csr))).append('\n');
        }
        Path bodies = Files.writeString(dir.resolve("bodies.jsonl"), sb);
        List<NodeProcess> all = new ArrayList<>();
        // fsync on: PostgreSQL commits as durably as SQLite does (synchronous=FULL).
        try (PostgresCluster pg = PostgresCluster.start(true)) {
            Map<String, Result[]> results = new java.util.LinkedHashMap<>();
            String[] names = {"SQLite, 1 node", "PostgreSQL, 1 node", "PostgreSQL, 2 nodes"};
            for (int s = 0; s < 3; s++) {
                if (!only.contains(Integer.toString(s))) {
                    continue;
                }
                String token = token(softhsmConf, "bench-" + s);
                StringBuilder config = new StringBuilder("hsm:\n  backend: pkcs11\n  pkcs11:\n    library: " + SoftHsm2Token.LIBRARY
                        + "\n    tokenLabel: " + token + "\n    pinFile: " + Files.writeString(dir.resolve("pin"), SoftHsm2Token.PIN) + "\n");
                if (s > 0) {
                    config.append("database.url: ").append(pg.newDatabase("bench" + s)).append("\ndatabase.user: postgres\n")
                            .append("database.passwordEnv: SIGNET_BENCH_DB_PASSWORD\n");
                }
                Path configFile = Files.writeString(dir.resolve("signet-" + s + ".yaml"), config);
                List<NodeProcess> nodes = new ArrayList<>();
                for (int n = 0; n < (s == 2 ? 2 : 1); n++) {
                    NodeProcess node = NodeProcess.start(dir.resolve("node-" + s + "-" + n + ".log"), freePort(), env,
                            "--config", configFile.toString(), "--data", dir.resolve("data-" + s + "-" + n).toString());
                    all.add(node);
                    node.awaitHealthy(Duration.ofSeconds(180));
                    nodes.add(node);
                }
                Setup setup = prepare(names[s], nodes, s > 0 ? pg : null, dir.resolve("setup-" + s));
                System.out.printf("%s: warming up issuance (%d s)...%n", setup.name(), WARMUP_SECONDS);
                issuance(setup, bodies, connections, WARMUP_SECONDS);
                Result issue = issuance(setup, bodies, connections, seconds);
                System.out.printf("%s: warming up OCSP (%d s)...%n", setup.name(), WARMUP_SECONDS);
                ocsp(setup, connections, WARMUP_SECONDS);
                Result ocsp = ocsp(setup, connections, seconds);
                results.put(setup.name(), new Result[] {issue, ocsp});
                print(setup.name(), issue, ocsp);
                for (NodeProcess n : nodes) {
                    // Anything a node complained of under load belongs next to its numbers.
                    n.output().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).limit(5)
                            .forEach(l -> System.out.println("  node log: " + l));
                }
                for (NodeProcess n : nodes) {
                    n.close();
                }
            }
            if (results.size() < 3) {
                return;
            }
            Result[] base = results.get(names[0]);
            Result[] one = results.get(names[1]);
            Result[] two = results.get(names[2]);
            System.out.println("load " + uptime());
            System.out.printf("issuance ratios: PostgreSQL 1 node / SQLite = %.2f, PostgreSQL 2 nodes / SQLite = %.2f, "
                    + "2 nodes / 1 node = %.2f%n", one[0].perSecond() / base[0].perSecond(), two[0].perSecond() / base[0].perSecond(),
                    two[0].perSecond() / one[0].perSecond());
            System.out.printf("OCSP ratios: PostgreSQL 1 node / SQLite = %.2f, PostgreSQL 2 nodes / SQLite = %.2f, "
                    + "2 nodes / 1 node = %.2f%n", one[1].perSecond() / base[1].perSecond(), two[1].perSecond() / base[1].perSecond(),
                    two[1].perSecond() / one[1].perSecond());
        } finally {
            for (NodeProcess n : all) {
                n.close();
            }
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static void print(String name, Result issue, Result ocsp) {
        System.out.printf("%s: issuance %.0f certs/s, p99 %s, errors %d; CPU per certificate %.0f us in the node(s) + %.0f us in "
                + "PostgreSQL + %.0f us in wrk%n", name, issue.perSecond(), issue.p99(), issue.errors(), issue.micros(issue.nodeCpu()),
                issue.micros(issue.dbCpu()), issue.micros(issue.wrkCpu()));
        System.out.printf("%s: pre-signed OCSP %.0f responses/s, p99 %s, errors %d; CPU per response %.0f us in the node(s) + %.0f us "
                + "in PostgreSQL + %.0f us in wrk%n", name, ocsp.perSecond(), ocsp.p99(), ocsp.errors(), ocsp.micros(ocsp.nodeCpu()),
                ocsp.micros(ocsp.dbCpu()), ocsp.micros(ocsp.wrkCpu()));
    }

    /** An officer token, the issuing CA, and OCSP requests (no nonce) for certificates issued on the set-up. */
    private static Setup prepare(String name, List<NodeProcess> nodes, PostgresCluster db, Path work) throws Exception {
        Files.createDirectories(work);
        String admin = null;
        for (NodeProcess n : nodes) {
            Matcher m = ADMIN_TOKEN.matcher(n.output());
            if (m.find()) {
                admin = m.group(1);
            }
        }
        NodeProcess first = nodes.get(0);
        String officer = Json.MAPPER.readTree(send(first, "POST", "/api/v1/tokens", admin,
                Json.MAPPER.writeValueAsString(Map.of("name", "bench", "role", "officer")))).get("secret").asText();
        String caId = null;
        Path issuer = work.resolve("issuer.pem");
        for (JsonNode ca : Json.MAPPER.readTree(send(first, "GET", "/api/v1/cas", officer, null))) {
            if (ca.hasNonNull("parentId")) {
                caId = ca.get("id").asText();
                Files.writeString(issuer, ca.get("certificatePem").asText());
            }
        }
        StringBuilder requests = new StringBuilder();
        List<String> csrs = IssuanceBenchmark.csrs().subList(0, OCSP_CERTIFICATES);
        for (int i = 0; i < csrs.size(); i++) {
            JsonNode cert = Json.MAPPER.readTree(send(first, "POST", "/api/v1/cas/" + caId + "/certificates", officer,
                    Json.MAPPER.writeValueAsString(Map.of("profile", "tls-server", "csr", csrs.get(i)))));
            Path pem = Files.writeString(work.resolve("leaf" + i + ".pem"), cert.get("certificatePem").asText());
            Path req = work.resolve("req" + i + ".der");
            run(work, "openssl", "ocsp", "-issuer", issuer.toString(), "-cert", pem.toString(), "-no_nonce", "-reqout", req.toString());
            requests.append(HexFormat.of().formatHex(Files.readAllBytes(req))).append('\n');
        }
        return new Setup(name, nodes, db, officer, caId, Files.writeString(work.resolve("ocsp.txt"), requests));
    }

    private static Result issuance(Setup s, Path bodies, int connections, int seconds) throws Exception {
        return wrk(s, connections, seconds, "issue.lua", "/api/v1/cas/" + s.caId() + "/certificates",
                Map.of("SIGNET_BENCH_BODIES", bodies.toString(), "SIGNET_TOKEN", s.officer()));
    }

    private static Result ocsp(Setup s, int connections, int seconds) throws Exception {
        String path = "/ocsp/" + s.caId();
        return wrk(s, connections, seconds, "ocsp.lua", path,
                Map.of("OCSP_FILE", s.ocspRequests().toString(), "OCSP_PATH", path, "OCSP_MODE", "post"));
    }

    /** One wrk per node, all at once, the connections split between them; their results summed. */
    private static Result wrk(Setup s, int connections, int seconds, String script, String path, Map<String, String> env)
            throws Exception {
        Path lua = Path.of(NodesBenchmark.class.getResource("/bench/" + script).toURI());
        int per = Math.max(1, connections / s.nodes().size());
        Duration node0 = Duration.ZERO;
        for (NodeProcess n : s.nodes()) {
            node0 = node0.plus(n.cpu());
        }
        Duration db0 = s.db() == null ? Duration.ZERO : s.db().cpu();
        List<Process> wrks = new ArrayList<>();
        for (NodeProcess n : s.nodes()) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "wrk \"$@\" && times", "wrk", "-t" + (s.nodes().size() == 1 ? 2 : 1),
                    "-c" + per, "-d" + seconds + "s", "--latency", "-s", lua.toString(), n.base() + path).redirectErrorStream(true);
            pb.environment().putAll(env);
            wrks.add(pb.start());
        }
        double rps = 0;
        long errors = 0;
        long requests = 0;
        double wrkSeconds = 0;
        List<String> p99s = new ArrayList<>();
        for (Process p : wrks) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
            rps += Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)"));
            requests += Long.parseLong(find(out, "(\\d+) requests in"));
            p99s.add(find(out, "\\s99%\\s+(\\S+)"));
            String non2xx = findOrNull(out, "Non-2xx or 3xx responses:\\s+(\\d+)");
            errors += non2xx == null ? 0 : Long.parseLong(non2xx);
            Matcher t = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s\\s*$").matcher(out.strip());
            if (t.find()) {
                wrkSeconds += Integer.parseInt(t.group(1)) * 60 + Double.parseDouble(t.group(2))
                        + Integer.parseInt(t.group(3)) * 60 + Double.parseDouble(t.group(4));
            }
        }
        Duration node1 = Duration.ZERO;
        for (NodeProcess n : s.nodes()) {
            node1 = node1.plus(n.cpu());
        }
        Duration db1 = s.db() == null ? Duration.ZERO : s.db().cpu();
        return new Result(rps, String.join(" / ", p99s), errors, node1.minus(node0), db1.minus(db0),
                Duration.ofNanos((long) (wrkSeconds * 1e9)), requests);
    }

    /** A SoftHSM2 configuration of the benchmark's own (a token directory in {@code dir}). */
    private static Path softhsm(Path dir) throws Exception {
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        return Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = " + tokens
                + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    }

    private static String token(Path conf, String label) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "12345678",
                "--pin", SoftHsm2Token.PIN).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util failed: " + out);
        }
        return label;
    }

    private static String send(NodeProcess n, String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.base() + path)).header("Authorization", "Bearer " + token);
        b = json == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static String uptime() throws Exception {
        return run(Path.of("."), "uptime").strip();
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
}
