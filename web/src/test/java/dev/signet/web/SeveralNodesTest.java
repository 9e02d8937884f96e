package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.signet.web.TestCertificates.certificate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database, in one JVM: two servers over one data directory (one SQLite file, which
 * WAL lets two writers share) and one SoftHSM2 token (the software HSM admits one process). What one node changes reaches the
 * other within {@link #WITHIN}: profile reloads, token revocations, CA changes, and revocations as
 * the other node's OCSP (checked with openssl) and CRL show them.
 */
class SeveralNodesTest {

    /**
     * The nodes poll every 0.5 s (changes) and 1 s (revocations), and a change usually shows within
     * about a second (each wait prints how long it took); the deadline leaves room for a loaded CI
     * machine, while a change that waited for a restart or a cache's expiry would still miss it.
     */
    static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Path SAMPLES = Path.of("..", "samples", "profiles").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static Path profilesA;
    static Path profilesB;
    static TestServer a;
    static TestServer b;
    static String issuingId;
    static Path issuerPem;

    @BeforeAll
    static void start() throws Exception {
        // Each node reads its own profile directory, as on separate machines.
        profilesA = Files.createDirectories(dir.resolve("profiles-a"));
        profilesB = Files.createDirectories(dir.resolve("profiles-b"));
        a = node(profilesA);
        b = node(profilesB);
        for (JsonNode ca : TestServer.json(a.get("/api/v1/cas", a.token("auditor")))) {
            if (ca.hasNonNull("parentId")) {
                issuingId = ca.get("id").asText();
                issuerPem = Files.writeString(dir.resolve("issuer.pem"), ca.get("certificatePem").asText());
            }
        }
    }

    private static TestServer node(Path profiles) throws Exception {
        Path config = Files.writeString(dir.resolve("signet-" + profiles.getFileName() + ".yaml"),
                SoftHsm2Token.settings(dir, SoftHsm2Token.Use.NODES)
                        + "profiles.dir: " + profiles + "\ncrl.afterRevocationSeconds: 1\n"
                        // TSAs of their own for the TSA tests, so that the default one stays as it is.
                        + "tsa:\n  authorities:\n    across-retire:\n      policy: 1.3.6.1.4.1.99999.3161.21\n"
                        + "    across-revoke:\n      policy: 1.3.6.1.4.1.99999.3161.22\n"
                        + "    across-rekey:\n      policy: 1.3.6.1.4.1.99999.3161.23\n");
        return TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    /** Waits until {@code condition} holds, for at most {@link #WITHIN}; returns whether it did. */
    private static boolean within(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                System.out.println("SeveralNodesTest: the other node followed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static int status(TestServer s, String path, String token) {
        try {
            return s.get(path, token).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> issue(TestServer s, String officer, String host) throws Exception {
        return s.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem(host)));
    }

    @Test
    void a_profile_reload_on_one_node_makes_the_other_read_its_own_directory() throws Exception {
        String admin = a.token("admin");
        String officer = a.token("officer");
        assertEquals(404, status(b, "/api/v1/profiles/internal-web", officer));
        Files.copy(SAMPLES.resolve("internal-web.json"), profilesA.resolve("internal-web.json"));
        Files.copy(SAMPLES.resolve("internal-web.json"), profilesB.resolve("internal-web.json"));
        assertEquals(200, a.postJson("/api/v1/profiles/reload", admin, Map.of()).statusCode());
        assertTrue(within(() -> status(b, "/api/v1/profiles/internal-web", officer) == 200),
                "the other node picked up the reload");
    }

    @Test
    void a_token_revoked_on_one_node_is_refused_by_the_other() throws Exception {
        String admin = a.token("admin");
        JsonNode created = TestServer.json(a.postJson("/api/v1/tokens", admin, Map.of("name", "short-lived", "role", "auditor")));
        String secret = created.get("secret").asText();
        assertEquals(200, status(b, "/api/v1/cas", secret), "the other node knows it (and caches it)");
        assertEquals(200, a.postJson("/api/v1/tokens/" + created.get("token").get("id").asText() + "/revoke", admin, Map.of()).statusCode());
        assertTrue(within(() -> status(b, "/api/v1/cas", secret) == 401), "the other node refuses it");
    }

    @Test
    void a_ca_retired_on_one_node_issues_nothing_more_on_the_other() throws Exception {
        String admin = a.token("admin");
        String officer = a.token("officer");
        JsonNode root = null;
        for (JsonNode ca : TestServer.json(a.get("/api/v1/cas", officer))) {
            if (!ca.hasNonNull("parentId")) {
                root = ca;
            }
        }
        HttpResponse<String> made = a.postJson("/api/v1/cas", admin, Map.of("name", "Short-lived CA",
                "subject", "CN=Short-lived CA,O=Signet", "parentId", root.get("id").asText()));
        assertEquals(201, made.statusCode(), made.body());
        String id = TestServer.json(made).get("id").asText();
        HttpResponse<String> before = b.postJson("/api/v1/cas/" + id + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("before.example.com")));
        assertEquals(201, before.statusCode(), before.body());

        a.server.services().authorities().retire(id, "test");
        assertTrue(within(() -> {
            try {
                return b.postJson("/api/v1/cas/" + id + "/certificates", officer,
                        Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("after.example.com"))).statusCode() == 409;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "the other node refuses to issue under the retired CA");
        assertTrue(within(() -> {
            try {
                return TestServer.json(b.get("/api/v1/cas/" + id, officer)).get("status").asText().equals("retired");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    @Test
    void a_revocation_on_one_node_shows_in_the_others_ocsp_and_crl() throws Exception {
        String officer = a.token("officer");
        HttpResponse<String> issued = issue(a, officer, "revoked-across.example.com");
        assertEquals(201, issued.statusCode(), issued.body());
        JsonNode cert = TestServer.json(issued);
        String serial = cert.get("serial").asText();
        Path pem = Files.writeString(dir.resolve("revoked-across.pem"), cert.get("certificatePem").asText());
        String url = b.base + "/ocsp/" + issuingId;
        // Without a nonce, so the other node answers from its pre-signed cache: that is what must not go stale.
        assertTrue(openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url, "-no_nonce",
                "-noverify").contains(": good"));

        HttpResponse<String> revoked = a.postJson("/api/v1/cas/" + issuingId + "/certificates/" + serial + "/revoke",
                officer, Map.of("reason", "keyCompromise"));
        assertEquals(200, revoked.statusCode(), revoked.body());
        long t0 = System.nanoTime();
        assertTrue(within(() -> openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", pem.toString(), "-url", url,
                "-no_nonce", "-noverify").contains(": revoked")), "the other node's OCSP says revoked within " + WITHIN);
        Duration ocspLag = Duration.ofNanos(System.nanoTime() - t0);
        // The CRL follows within crl.afterRevocationSeconds (1 s here) plus the generator's tick; the JDK parses it.
        java.math.BigInteger number = new java.math.BigInteger(serial, 16);
        assertTrue(within(() -> {
            try {
                byte[] der = b.getBytes("/crl/" + issuingId + ".crl", null, "application/pkix-crl").body();
                java.security.cert.X509CRL crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(der));
                return crl.getRevokedCertificate(number) != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "the other node serves a CRL that lists it; OCSP took " + ocspLag.toMillis() + " ms");
    }

    @Test
    void a_tsa_retired_on_one_node_rejects_queries_on_the_other() throws Exception {
        assertEquals(0, stamp(b, "across-retire").getStatus(), "granted on the other node first");
        assertEquals(200, a.postJson("/api/v1/tsas/across-retire/retire", a.token("admin"), Map.of()).statusCode());
        assertTrue(within(() -> rejectedSaying(b, "across-retire", "retired")), "the other node refuses within " + WITHIN);
    }

    @Test
    void a_tsa_certificate_revoked_on_one_node_stops_the_tsa_on_the_other() throws Exception {
        assertEquals(0, stamp(b, "across-revoke").getStatus());
        String officer = a.token("officer");
        JsonNode tsa = TestServer.json(a.get("/api/v1/tsas/across-revoke", officer));
        String serial = certificate(tsa.get("certificatePem").asText()).getSerialNumber().toString(16);
        HttpResponse<String> revoked = a.postJson("/api/v1/cas/" + tsa.get("caId").asText() + "/certificates/" + serial + "/revoke",
                officer, Map.of("reason", "keyCompromise"));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertTrue(rejectedSaying(a, "across-revoke", "revoked"), "this node at once");
        assertTrue(within(() -> rejectedSaying(b, "across-revoke", "revoked")), "the other node within " + WITHIN);
    }

    @Test
    void a_tsa_re_keyed_on_one_node_stamps_with_its_new_certificate_on_the_other() throws Exception {
        assertEquals(0, stamp(b, "across-rekey").getStatus());
        HttpResponse<String> r = a.postJson("/api/v1/tsas/across-rekey/rekey", a.token("admin"), Map.of());
        assertEquals(200, r.statusCode(), r.body());
        java.security.cert.X509Certificate fresh = certificate(TestServer.json(r).get("certificatePem").asText());
        assertTrue(within(() -> {
            try {
                org.bouncycastle.tsp.TimeStampResponse reply = stamp(b, "across-rekey");
                if (reply.getStatus() != 0) {
                    return false; // the old key is destroyed: a token signed with it in the gap is refused, never wrong
                }
                reply.getTimeStampToken().validate(new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder().build(fresh));
                return true;
            } catch (org.bouncycastle.tsp.TSPException e) {
                return false; // still the old certificate
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "the other node signs with the new key within " + WITHIN);
    }

    private static org.bouncycastle.tsp.TimeStampResponse stamp(TestServer s, String tsa) throws Exception {
        byte[] imprint = java.security.MessageDigest.getInstance("SHA-256").digest(("doc " + System.nanoTime())
                .getBytes(StandardCharsets.UTF_8));
        byte[] query = new org.bouncycastle.tsp.TimeStampRequestGenerator()
                .generate(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256, imprint).getEncoded();
        HttpResponse<byte[]> r = s.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base + "/tsa/" + tsa))
                .header("Content-Type", "application/timestamp-query")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(query)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "an RFC 3161 reply, never a 5xx");
        return new org.bouncycastle.tsp.TimeStampResponse(r.body());
    }

    private static boolean rejectedSaying(TestServer s, String tsa, String word) {
        try {
            org.bouncycastle.tsp.TimeStampResponse r = stamp(s, tsa);
            return r.getStatus() == 2 && r.getFailInfo() != null
                    && r.getFailInfo().intValue() == org.bouncycastle.asn1.cmp.PKIFailureInfo.systemFailure
                    && r.getStatusString() != null && r.getStatusString().contains(word);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String openssl(String... args) {
        try {
            return Commands.openssl(dir, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
