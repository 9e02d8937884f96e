package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.signet.web.TestCertificates.certificate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-keying, retiring and revoking a TSA through the API, as an admin and an officer would, with
 * the tokens checked by {@code openssl ts -verify}: after a re-key a new token verifies with the new
 * certificate and a token from before still verifies with the old one, which the API keeps; a
 * retired TSA and one whose certificate was revoked through the normal revoke route answer every
 * query with a rejection (never a 5xx). Each TSA here has its own name, so the tests stay apart.
 */
class TsaLifecycleApiTest {

    @TempDir
    static Path dir;
    static TestServer s;
    static Path w;
    static String admin;
    static String officer;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("signet.yaml");
        StringBuilder yaml = new StringBuilder("tsa:\n  authorities:\n");
        int i = 1;
        for (String name : List.of("rekeyed", "retired", "revoked")) {
            yaml.append("    ").append(name).append(":\n      policy: 1.3.6.1.4.1.99999.3161.").append(10 + i++).append('\n');
        }
        Files.writeString(config, yaml.toString());
        SignetServer server = SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        s = TestServer.of(server);
        w = Files.createDirectories(dir.resolve("work"));
        admin = s.token("admin");
        officer = s.token("officer");
        Files.writeString(w.resolve("data.txt"), "a document stamped before and after\n");
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void after_a_re_key_new_tokens_verify_with_the_new_certificate_and_old_ones_with_the_old() throws Exception {
        JsonNode before = tsa("rekeyed");
        writeChain(before.get("chainPem").asText(), "old");
        // No -cert: the token names its certificate (ESSCertIDv2) but does not carry it, so verifying
        // it needs the certificate the API keeps.
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-out", "q1.tsq");
        post("/tsa/rekeyed", "q1.tsq", "old.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "old.tsr", "-CAfile", "root.pem", "-untrusted", "old-untrusted.pem");

        assertEquals(403, s.postJson("/api/v1/tsas/rekeyed/rekey", officer, Map.of()).statusCode(), "admins only");
        HttpResponse<String> r = s.postJson("/api/v1/tsas/rekeyed/rekey", admin, Map.of());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode after = TestServer.json(r);
        assertEquals("active", after.get("status").asText());
        assertEquals("/tsa/rekeyed", after.get("path").asText());
        assertEquals(before.get("policy").asText(), after.get("policy").asText());
        assertNotEquals(before.get("certificatePem").asText(), after.get("certificatePem").asText());
        JsonNode previous = after.get("previousCertificates").get(0);
        assertEquals(before.get("certificatePem").asText(), previous.get("certificatePem").asText());
        assertEquals("destroyed", previous.get("keyState").asText());
        assertEquals(1, after.get("tokensIssued").asLong());
        writeChain(after.get("chainPem").asText(), "new");

        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-out", "q2.tsq");
        post("/tsa/rekeyed", "q2.tsq", "new.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "new.tsr", "-CAfile", "root.pem", "-untrusted", "new-untrusted.pem");
        // The old token, with the old certificate from previousCertificates.
        writeChain(previous.get("chainPem").asText(), "kept");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "old.tsr", "-CAfile", "root.pem", "-untrusted", "kept-untrusted.pem");
        // And not with the new one alone: the token names the certificate it was signed under.
        assertNotEquals(0, exit("openssl", "ts", "-verify", "-data", "data.txt", "-in", "old.tsr", "-CAfile", "root.pem",
                "-untrusted", "new-untrusted.pem"));
        assertTrue(auditActions("rekeyed").containsAll(List.of("tsa.rekey", "tsa.key.destroy")));
    }

    @Test
    void a_retired_tsa_rejects_every_query_and_keeps_its_record_and_counters() throws Exception {
        HttpResponse<byte[]> first = send("/tsa/retired", query());
        assertEquals(0, new TimeStampResponse(first.body()).getStatus(), "granted");
        assertEquals(403, s.postJson("/api/v1/tsas/retired/retire", officer, Map.of()).statusCode(), "admins only");
        HttpResponse<String> r = s.postJson("/api/v1/tsas/retired/retire", admin, Map.of());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode retired = TestServer.json(r);
        assertEquals("retired", retired.get("status").asText());
        assertNotNull(retired.get("retiredAt").textValue());
        assertEquals(1, retired.get("tokensIssued").asLong());

        TimeStampResponse refused = new TimeStampResponse(send("/tsa/retired", query()).body());
        assertEquals(2, refused.getStatus(), "rejection");
        assertEquals(PKIFailureInfo.systemFailure, refused.getFailInfo().intValue());
        assertTrue(refused.getStatusString().contains("retired"), refused.getStatusString());
        assertEquals(409, s.postJson("/api/v1/tsas/retired/rekey", admin, Map.of()).statusCode());
        HttpResponse<String> again = s.postJson("/api/v1/tsas/retired/retire", admin, Map.of());
        assertEquals(409, again.statusCode());
        assertTrue(again.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        JsonNode shown = tsa("retired");
        assertEquals(1, shown.get("tokensIssued").asLong());
        assertEquals(1, shown.get("rejections").get("systemFailure").asLong());
        assertTrue(auditActions("retired").containsAll(List.of("tsa.retire", "tsa.key.destroy")));
    }

    @Test
    void revoking_the_tsa_certificate_through_the_revoke_route_stops_it_and_releasing_it_resumes() throws Exception {
        assertEquals(0, new TimeStampResponse(send("/tsa/revoked", query()).body()).getStatus());
        JsonNode t = tsa("revoked");
        String serial = certificate(t.get("certificatePem").asText()).getSerialNumber().toString(16);
        HttpResponse<String> revoke = s.postJson("/api/v1/cas/" + t.get("caId").asText() + "/certificates/" + serial + "/revoke",
                officer, Map.of("reason", "certificateHold"));
        assertEquals(200, revoke.statusCode(), revoke.body());

        // At once: the revoke returned, so this node refuses.
        TimeStampResponse refused = new TimeStampResponse(send("/tsa/revoked", query()).body());
        assertEquals(2, refused.getStatus(), "rejection");
        assertEquals(PKIFailureInfo.systemFailure, refused.getFailInfo().intValue());
        assertTrue(refused.getStatusString().contains("revoked"), refused.getStatusString());
        assertTrue(tsa("revoked").get("refusal").asText().contains("revoked"));
        String text = run("openssl", "ts", "-reply", "-in", Files.write(w.resolve("revoked.tsr"), send("/tsa/revoked", query()).body())
                .getFileName().toString(), "-text");
        assertTrue(text.contains("Status: Rejected") || text.contains("Status: rejection") || text.contains("Rejected"), text);

        assertEquals(200, s.postJson("/api/v1/cas/" + t.get("caId").asText() + "/certificates/" + serial + "/release", officer,
                Map.of()).statusCode());
        assertEquals(0, new TimeStampResponse(send("/tsa/revoked", query()).body()).getStatus(), "stamps again");
    }

    private static JsonNode tsa(String name) throws Exception {
        HttpResponse<String> r = s.get("/api/v1/tsas/" + name, admin);
        assertEquals(200, r.statusCode(), r.body());
        return TestServer.json(r);
    }

    private static List<String> auditActions(String tsa) throws Exception {
        JsonNode page = TestServer.json(s.get("/api/v1/audit?objectType=tsa&objectId=" + tsa + "&limit=100", s.token("auditor")));
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : page.get("items")) {
            out.add(e.get("action").asText());
        }
        return out;
    }

    /** The TSA certificate and its issuing CA as {@code prefix-untrusted.pem}, the root as root.pem. */
    private static void writeChain(String chainPem, String prefix) throws Exception {
        List<String> blocks = TsaTest.pemBlocks(chainPem);
        Files.writeString(w.resolve(prefix + "-untrusted.pem"), String.join("", blocks.subList(0, blocks.size() - 1)));
        Files.writeString(w.resolve("root.pem"), blocks.get(blocks.size() - 1));
    }

    private static byte[] query() throws Exception {
        byte[] imprint = java.security.MessageDigest.getInstance("SHA-256").digest(("doc " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        return new org.bouncycastle.tsp.TimeStampRequestGenerator()
                .generate(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256, imprint).getEncoded();
    }

    private static HttpResponse<byte[]> send(String path, byte[] body) throws Exception {
        HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.base + path))
                .header("Content-Type", "application/timestamp-query").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "an RFC 3161 reply, never a 5xx");
        return r;
    }

    private static void post(String path, String query, String reply) throws Exception {
        Files.write(w.resolve(reply), send(path, Files.readAllBytes(w.resolve(query))).body());
    }

    private static int exit(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(w.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return p.exitValue();
    }

    private static String run(String... cmd) throws Exception {
        return Commands.run(w, cmd);
    }
}
