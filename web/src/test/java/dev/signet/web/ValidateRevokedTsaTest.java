package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TSA's own certificate is checked like the signer's: a B-T file the server signed carries no
 * revocation data for its TSA, so the server asks its own responder (in-process) and reports it
 * per certificate (role tsa, origin signet). Once the TSA certificate is revoked, nothing proves
 * the signature timestamp existed before the revocation: it no longer counts.
 */
class ValidateRevokedTsaTest {
    @TempDir
    static Path data;
    static TestServer server;
    static String identity;
    static String signer;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        String officer = server.token("officer");
        String issuing = null;
        for (JsonNode ca : TestServer.json(server.get("/api/v1/cas", officer))) {
            if (ca.get("parentId") != null && !ca.get("parentId").isNull()) issuing = ca.get("id").asText();
        }
        HttpResponse<String> created = server.postJson("/api/v1/identities", officer, Map.of("caId", issuing,
                "profile", "document-signer", "subject", "CN=Signer Under A Revoked TSA", "keyAlgorithm", "EC_P256"));
        assertEquals(201, created.statusCode(), created.body());
        identity = TestServer.json(created).get("id").asText();
        signer = server.server.services().access().createToken("tsa revocation signer", "signer", Set.of(identity), null, "test").secret();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_revoked_tsa_certificate_is_reported_from_signets_own_status_and_its_timestamp_no_longer_counts() throws Exception {
        byte[] bt = ValidateSignetSignedTest.sign(server, identity, signer, "B-T");
        JsonNode before = validate(bt);
        assertEquals("TOTAL_PASSED", before.get("indication").asText(), before.toString());
        JsonNode tsa = tsaCheck(before);
        assertEquals("good", tsa.get("status").asText(), before.toString());
        assertEquals("signet", tsa.get("origin").asText(), "the file carries no revocation data for the TSA: " + before);
        assertTrue(before.get("timeline").toString().contains("best-signature-time"), before.toString());

        JsonNode view = TestServer.json(server.get("/api/v1/tsas/default", server.token("auditor")));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(view.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253), tsa.get("certificate").asText());
        Thread.sleep(1100); // the revocation comes after the timestamp, to the second
        HttpResponse<String> revoked = server.postJson("/api/v1/cas/" + view.get("caId").asText() + "/certificates/"
                + cert.getSerialNumber().toString(16) + "/revoke", server.token("admin"), Map.of("reason", "keyCompromise"));
        assertEquals(200, revoked.statusCode(), revoked.body());

        JsonNode after = validate(bt);
        JsonNode tsaAfter = tsaCheck(after);
        assertEquals("revoked", tsaAfter.get("status").asText(), after.toString());
        assertEquals("signet", tsaAfter.get("origin").asText(), after.toString());
        assertTrue(after.get("reasons").toString().contains("signature timestamp not accepted: REVOKED_NO_POE"), after.toString());
        assertFalse(after.get("timeline").toString().contains("best-signature-time"), "no proof of existence is left: " + after);
        assertEquals("signer", after.get("revocation").get(0).get("role").asText(), "the signer's chain comes first: " + after);
    }

    static JsonNode tsaCheck(JsonNode signature) {
        for (JsonNode r : signature.get("revocation")) if ("tsa".equals(r.get("role").asText())) return r;
        throw new AssertionError("no revocation check of the TSA certificate in " + signature);
    }

    static JsonNode validate(byte[] pdf) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/validate/pdf"))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + server.token("auditor"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(pdf)).build();
        HttpResponse<String> res = server.client.send(r, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return TestServer.json(res).get("signatures").get(0);
    }
}
