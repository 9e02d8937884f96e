package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PDFs the server signed itself, validated by the same server: B-B and B-T files carry no revocation
 * data, so the server asks Signet's own responder (in-process) and says so in the report; B-LT files
 * carry Signet's OCSP response in their DSS dictionary, which is used as it is. After the signer's
 * certificate is revoked, a B-B signature (no proof of existence before the revocation) is
 * INDETERMINATE/REVOKED_NO_POE and a B-T one, timestamped before the revocation, still passes with
 * the revocation reported as later than its best-signature-time.
 */
class ValidateSignetSignedTest {
    @TempDir
    static Path data;
    static TestServer server;
    static String caId;
    static String serial;
    static String signer;
    static String identity;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        String officer = server.token("officer");
        JsonNode cas = TestServer.json(server.get("/api/v1/cas", officer));
        String issuing = null;
        for (JsonNode ca : cas) if (ca.get("parentId") != null && !ca.get("parentId").isNull()) issuing = ca.get("id").asText();
        HttpResponse<String> created = server.postJson("/api/v1/identities", officer, Map.of("caId", issuing,
                "profile", "document-signer", "subject", "CN=Validated Signer", "keyAlgorithm", "EC_P256"));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode id = TestServer.json(created);
        identity = id.get("id").asText();
        caId = id.get("caId").asText();
        serial = id.get("serial").asText();
        signer = server.server.services().access().createToken("validated signer", "signer", Set.of(identity), null, "test").secret();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] sign(String level) throws Exception {
        return sign(server, identity, signer, level);
    }

    static byte[] sign(TestServer server, String identity, String signer, String level) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/sign/pdf?identity=" + identity + "&level=" + level))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + signer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(SignPdfApiTest.onePagePdf())).build();
        HttpResponse<byte[]> signed = server.client.send(r, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, signed.statusCode(), new String(signed.body()));
        return signed.body();
    }

    static JsonNode validate(byte[] pdf) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/validate/pdf"))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + server.token("auditor"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(pdf)).build();
        HttpResponse<String> res = server.client.send(r, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return TestServer.json(res).get("signatures").get(0);
    }

    static JsonNode signerRevocation(JsonNode s) {
        JsonNode r = s.get("revocation").get(0);
        assertEquals("CN=Validated Signer", r.get("certificate").asText(), s.toString());
        return r;
    }

    static Instant timestampOf(JsonNode s) {
        for (JsonNode e : s.get("timeline")) {
            if (e.get("event").asText().startsWith("best-signature-time")) return Instant.parse(e.get("time").asText());
        }
        throw new AssertionError("no best-signature-time in " + s);
    }

    @Test
    void server_signed_files_reach_their_level_and_say_where_revocation_data_came_from_and_a_revoked_signer_is_reported()
            throws Exception {
        byte[] bb = sign("B-B");
        byte[] bt = sign("B-T");
        byte[] blt = sign("B-LT");

        JsonNode vbb = validate(bb);
        assertEquals("TOTAL_PASSED", vbb.get("indication").asText(), vbb.toString());
        assertEquals("PAdES-BASELINE-B", vbb.get("level").asText());
        assertEquals("signet", signerRevocation(vbb).get("origin").asText(), "B-B carries no revocation data: Signet's own responder answers");
        assertEquals("good", signerRevocation(vbb).get("status").asText());
        assertEquals("OCSP", signerRevocation(vbb).get("kind").asText());
        assertTrue(vbb.get("reasons").toString().contains("Signet's own current OCSP response"), vbb.toString());

        JsonNode vbt = validate(bt);
        assertEquals("TOTAL_PASSED", vbt.get("indication").asText(), vbt.toString());
        assertEquals("PAdES-BASELINE-T", vbt.get("level").asText());
        assertEquals("signet", signerRevocation(vbt).get("origin").asText());

        JsonNode vlt = validate(blt);
        assertEquals("TOTAL_PASSED", vlt.get("indication").asText(), vlt.toString());
        assertEquals("PAdES-BASELINE-LT", vlt.get("level").asText());
        assertEquals("file-dss", signerRevocation(vlt).get("origin").asText(), "B-LT embeds Signet's revocation data: that is used");
        // The DSS dictionary holds both the OCSP response and the CRL; the newer of the two decides, and which one
        // is newer depends on when the background CRL run last went (under load the CRL can be the newer one).
        assertTrue(java.util.Set.of("OCSP", "CRL").contains(signerRevocation(vlt).get("kind").asText()), vlt.toString());

        Thread.sleep(1100); // the revocation time is after the B-T timestamp, to the second
        HttpResponse<String> revoked = server.postJson("/api/v1/cas/" + caId + "/certificates/" + serial + "/revoke",
                server.token("officer"), Map.of("reason", "keyCompromise"));
        assertEquals(200, revoked.statusCode(), revoked.body());

        JsonNode rbb = validate(bb);
        assertEquals("INDETERMINATE", rbb.get("indication").asText(), rbb.toString());
        assertEquals("REVOKED_NO_POE", rbb.get("subIndication").asText(), rbb.toString());
        JsonNode rbbRev = signerRevocation(rbb);
        assertEquals("revoked", rbbRev.get("status").asText());
        assertEquals("signet", rbbRev.get("origin").asText());
        assertNotNull(rbbRev.get("revokedAt").textValue(), rbb.toString());

        JsonNode rbt = validate(bt);
        assertEquals("TOTAL_PASSED", rbt.get("indication").asText(), "timestamped before the revocation: " + rbt);
        JsonNode rbtRev = signerRevocation(rbt);
        assertEquals("revoked", rbtRev.get("status").asText(), rbt.toString());
        assertTrue(Instant.parse(rbtRev.get("revokedAt").asText()).isAfter(timestampOf(rbt)), rbt.toString());
        assertTrue(rbt.get("reasons").toString().contains("after the signature was timestamped"), rbt.toString());
    }
}
