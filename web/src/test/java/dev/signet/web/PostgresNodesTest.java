package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} processes on one PostgreSQL and one SoftHSM2 token, on loopback, started at the
 * same moment on the empty database: they issue at once without a duplicate serial and with one
 * audit chain; a revocation on one shows in the other's OCSP and CRL; a node killed with SIGKILL
 * under load loses no certificate it returned, and rejoins; a PostgreSQL restart under load is
 * ridden out by both nodes without a restart of their own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresNodesTest {

    private static final Pattern ADMIN_TOKEN = Pattern.compile("(?m)^\\s+(sgt_\\S+)\\s*$");

    @TempDir
    static Path dir;
    static PostgresCluster postgres;
    static NodeProcess a;
    static NodeProcess b;
    static String admin;
    static String officer;
    static String issuingId;
    static Path issuerPem;
    static Path hsmSettings;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        hsmSettings = Files.writeString(dir.resolve("hsm.yaml"), SoftHsm2Token.settings(dir, SoftHsm2Token.Use.PG_NODES));
        Path config = Files.writeString(dir.resolve("signet.yaml"), Files.readString(hsmSettings)
                + "database.url: " + postgres.url() + "\ndatabase.user: postgres\ndatabase.passwordEnv: SIGNET_TEST_DB_PASSWORD\n"
                + "crl.afterRevocationSeconds: 1\n");
        Map<String, String> env = Map.of("SIGNET_TEST_DB_PASSWORD", "trust authentication, unused");
        // Both at once on the empty database: the start lock lets one make the CAs and the admin token.
        int[] ports = freePorts(2);
        a = NodeProcess.start(dir.resolve("a.log"), ports[0], env, "--config", config.toString(), "--data", dir.resolve("a").toString());
        b = NodeProcess.start(dir.resolve("b.log"), ports[1], env, "--config", config.toString(), "--data", dir.resolve("b").toString());
        a.awaitHealthy(Duration.ofSeconds(120));
        b.awaitHealthy(Duration.ofSeconds(120));
        List<String> tokens = new ArrayList<>();
        for (NodeProcess n : List.of(a, b)) {
            Matcher m = ADMIN_TOKEN.matcher(n.output());
            while (m.find()) {
                tokens.add(m.group(1));
            }
        }
        assertEquals(1, tokens.size(), "one node made and printed the admin token: " + tokens);
        admin = tokens.get(0);
        officer = Json.MAPPER.readTree(post(b, "/api/v1/tokens", admin, Map.of("name", "officer", "role", "officer")).body())
                .get("secret").asText();
        JsonNode cas = Json.MAPPER.readTree(get(a, "/api/v1/cas", officer).body());
        assertEquals(2, cas.size(), cas.toString());
        for (JsonNode ca : cas) {
            if (ca.hasNonNull("parentId")) {
                issuingId = ca.get("id").asText();
                issuerPem = Files.writeString(dir.resolve("issuer.pem"), ca.get("certificatePem").asText());
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    n.close();
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static int freePort() throws Exception {
        return freePorts(1)[0];
    }

    /** {@code n} distinct free ports: each socket is held until all are chosen, so no port is given twice. */
    private static int[] freePorts(int n) throws Exception {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /**
     * How long a revocation may take to reach another node's OCSP here: the nodes poll every
     * {@code revocation.pollMillis} (1 s) and it usually shows within about that (printed); the rest is
     * room for a loaded CI machine, where a node, openssl and PostgreSQL share two cores.
     */
    static final Duration OCSP_WITHIN = Duration.ofSeconds(10);

    static HttpResponse<String> get(NodeProcess n, String path, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(n.base() + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(NodeProcess n, String path, String token, Object body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(n.base() + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Issuance from several threads against the given nodes in turn; every 201's serial is kept. */
    static final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<String> issued = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> failedAt = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Load(List<NodeProcess> nodes, int threadsPerNode) {
            for (NodeProcess n : nodes) {
                for (int t = 0; t < threadsPerNode; t++) {
                    Thread th = new Thread(() -> {
                        int i = 0;
                        while (running.get()) {
                            try {
                                HttpResponse<String> r = post(n, "/api/v1/cas/" + issuingId + "/certificates", officer,
                                        Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("load-" + (i++) + ".example.com")));
                                if (r.statusCode() == 201) {
                                    issued.add(Json.MAPPER.readTree(r.body()).get("serial").asText());
                                } else {
                                    failedAt.add(System.nanoTime());
                                }
                            } catch (Exception e) {
                                failedAt.add(System.nanoTime());
                                sleep(100);
                            }
                        }
                    });
                    th.start();
                    threads.add(th);
                }
            }
        }

        int count() {
            return issued.size();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitIssued(Load load, int more, Duration within) {
        int target = load.count() + more;
        long deadline = System.nanoTime() + within.toNanos();
        while (load.count() < target && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertTrue(load.count() >= target, "only " + load.count() + " of " + target + " issued within " + within);
    }

    static void assertAllStored(NodeProcess n, Iterable<String> serials) throws Exception {
        for (String serial : serials) {
            HttpResponse<String> r = get(n, "/api/v1/cas/" + issuingId + "/certificates/" + serial, officer);
            assertEquals(200, r.statusCode(), "certificate " + serial + " was returned with 201 but is not stored");
        }
    }

    static void assertAuditIntact(NodeProcess n) throws Exception {
        HttpResponse<String> verify = get(n, "/api/v1/audit/verify", admin);
        assertEquals(200, verify.statusCode(), verify.body());
        assertTrue(Json.MAPPER.readTree(verify.body()).get("intact").asBoolean(), verify.body());
    }

    @Test
    @Order(1)
    void both_nodes_issue_at_once_without_a_duplicate_serial_and_the_audit_chain_verifies() throws Exception {
        List<String> serials;
        try (Load load = new Load(List.of(a, b), 2)) {
            awaitIssued(load, 60, Duration.ofSeconds(120));
            load.close();
            serials = new ArrayList<>(load.issued);
            assertTrue(load.failedAt.isEmpty(), load.failedAt.size() + " requests failed");
        }
        Set<String> unique = new HashSet<>(serials);
        assertEquals(serials.size(), unique.size(), "no serial twice");
        assertAllStored(a, serials);
        assertAuditIntact(b);
    }

    @Test
    @Order(2)
    void a_revocation_on_one_node_reaches_the_others_ocsp_and_its_crl() throws Exception {
        HttpResponse<String> issued = post(a, "/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("revoked.example.com")));
        assertEquals(201, issued.statusCode(), issued.body());
        JsonNode cert = Json.MAPPER.readTree(issued.body());
        String serial = cert.get("serial").asText();
        Path pem = Files.writeString(dir.resolve("revoked.pem"), cert.get("certificatePem").asText());
        String url = b.base() + "/ocsp/" + issuingId;
        assertTrue(openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url, "-no_nonce",
                "-noverify").contains(": good"), "B has a pre-signed good response cached");

        assertEquals(200, post(a, "/api/v1/cas/" + issuingId + "/certificates/" + serial + "/revoke", officer,
                Map.of("reason", "keyCompromise")).statusCode());
        long revokedAt = System.nanoTime();
        String answer;
        do {
            Thread.sleep(100); // one query per 100 ms: a tight loop of connections hits the per-address cap
            answer = openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url, "-no_nonce", "-noverify");
        } while (!answer.contains(": revoked") && System.nanoTime() - revokedAt < OCSP_WITHIN.toNanos());
        assertTrue(answer.contains(": revoked"), "B's OCSP after " + OCSP_WITHIN.toSeconds() + " s: " + answer);
        System.out.println("PostgresNodesTest: B's OCSP said revoked " + (System.nanoTime() - revokedAt) / 1_000_000 + " ms after the revoke");

        BigInteger number = new BigInteger(serial, 16);
        boolean listed = false;
        while (!listed && System.nanoTime() - revokedAt < TimeUnit.SECONDS.toNanos(30)) {
            byte[] der = client.send(HttpRequest.newBuilder(URI.create(b.base() + "/crl/" + issuingId + ".crl")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(der));
            listed = crl.getRevokedCertificate(number) != null;
            if (!listed) {
                sleep(200);
            }
        }
        assertTrue(listed, "B serves a CRL listing it within crl.afterRevocationSeconds (1 s) and the generator's ticks");
    }

    @Test
    @Order(3)
    void a_node_killed_under_load_loses_nothing_it_returned_the_survivor_serves_and_the_killed_one_rejoins() throws Exception {
        List<String> serials;
        try (Load load = new Load(List.of(a, b), 2)) {
            awaitIssued(load, 20, Duration.ofSeconds(60));
            b.kill();
            int atKill = load.count();
            awaitIssued(load, 20, Duration.ofSeconds(60)); // the survivor keeps issuing
            assertTrue(load.count() > atKill);
            load.close();
            serials = new ArrayList<>(load.issued);
        }
        assertAllStored(a, serials);
        b.restart();
        b.awaitHealthy(Duration.ofSeconds(120));
        assertAllStored(b, serials.subList(0, Math.min(20, serials.size())));
        HttpResponse<String> again = post(b, "/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("rejoined.example.com")));
        assertEquals(201, again.statusCode(), again.body());
        assertAuditIntact(a);
    }

    @Test
    @Order(4)
    void both_nodes_ride_out_a_postgresql_restart_under_load_without_restarting() throws Exception {
        List<String> serials;
        try (Load load = new Load(List.of(a, b), 1)) {
            awaitIssued(load, 10, Duration.ofSeconds(60));
            postgres.stop();
            sleep(1000);
            HttpResponse<String> down = client.send(HttpRequest.newBuilder(URI.create(a.base() + "/health"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode(), "health reports the database down: " + down.body());
            postgres.startAgain();
            long back = System.nanoTime();
            awaitIssued(load, 20, Duration.ofSeconds(60));
            load.close();
            serials = new ArrayList<>(load.issued);
            System.out.println("issuance resumed " + Duration.ofNanos(System.nanoTime() - back).toMillis()
                    + " ms after PostgreSQL was back; " + load.failedAt.size() + " requests failed meanwhile");
        }
        a.awaitHealthy(Duration.ofSeconds(30));
        b.awaitHealthy(Duration.ofSeconds(30));
        assertAllStored(b, serials);
        for (NodeProcess n : List.of(a, b)) {
            HttpResponse<String> r = post(n, "/api/v1/cas/" + issuingId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("after-restart.example.com")));
            assertEquals(201, r.statusCode(), r.body());
        }
        assertAuditIntact(a);
    }

    @Test
    @Order(5)
    void a_responder_with_a_read_only_database_role_serves_ocsp_crls_and_ca_certificates() throws Exception {
        postgres.psql("CREATE ROLE signet_reader LOGIN; GRANT CONNECT ON DATABASE signet_test TO signet_reader; "
                + "GRANT USAGE ON SCHEMA public TO signet_reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO signet_reader; "
                + "ALTER ROLE signet_reader SET default_transaction_read_only = on");
        Path config = Files.writeString(dir.resolve("responder.yaml"), Files.readString(hsmSettings)
                + "database.url: " + postgres.url() + "\ndatabase.user: signet_reader\ndatabase.passwordEnv: SIGNET_TEST_DB_PASSWORD\n");
        HttpResponse<String> issued = post(a, "/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("read-only.example.com")));
        assertEquals(201, issued.statusCode(), issued.body());
        JsonNode cert = Json.MAPPER.readTree(issued.body());
        Path pem = Files.writeString(dir.resolve("read-only.pem"), cert.get("certificatePem").asText());
        try (NodeProcess responder = NodeProcess.start(dir.resolve("responder.log"), freePort(),
                Map.of("SIGNET_TEST_DB_PASSWORD", "unused"), "--responder", "--config", config.toString(),
                "--data", dir.resolve("responder").toString())) {
            responder.awaitHealthy(Duration.ofSeconds(120));
            String url = responder.base() + "/ocsp/" + issuingId;
            assertTrue(openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url, "-no_nonce",
                    "-noverify").contains(": good"));
            assertEquals(200, post(a, "/api/v1/cas/" + issuingId + "/certificates/" + cert.get("serial").asText() + "/revoke",
                    officer, Map.of("reason", "superseded")).statusCode());
            long revokedAt = System.nanoTime();
            String answer;
            do {
                Thread.sleep(100);
                answer = openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url, "-no_nonce",
                        "-noverify");
            } while (!answer.contains(": revoked") && System.nanoTime() - revokedAt < OCSP_WITHIN.toNanos());
            assertTrue(answer.contains(": revoked"), answer);
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(responder.base() + "/crl/" + issuingId + ".crl"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(responder.base() + "/ca/" + issuingId + ".crt"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(404, get(responder, "/api/v1/cas", officer).statusCode(), "no API on a responder");
            assertTrue(!responder.output().contains("ERROR"), responder.output());
        }
    }

    private static String openssl(String... args) throws Exception {
        return Commands.openssl(dir, args);
    }
}
