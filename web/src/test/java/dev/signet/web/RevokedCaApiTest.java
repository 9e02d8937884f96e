package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once an admin revokes a subordinate CA's certificate, that CA issues nothing more: the API answers
 * 409 problem+json (type conflict, code {@code ca-revoked}), and the CA is listed as retired.
 */
class RevokedCaApiTest {

    @TempDir
    Path data;

    @Test
    void issuing_from_a_ca_whose_certificate_was_revoked_is_409_ca_revoked() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            String admin = s.token("admin");
            String officer = s.token("officer");
            String rootId = null;
            String subId = null;
            String subPem = null;
            for (JsonNode ca : TestServer.json(s.get("/api/v1/cas", admin))) {
                if (ca.hasNonNull("parentId")) {
                    subId = ca.get("id").asText();
                    subPem = ca.get("certificatePem").asText();
                } else {
                    rootId = ca.get("id").asText();
                }
            }
            String issuePath = "/api/v1/cas/" + subId + "/certificates";
            Map<String, String> request = Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("before.example.com"));
            assertEquals(201, s.postJson(issuePath, officer, request).statusCode());

            String serial = ((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(subPem.getBytes(StandardCharsets.US_ASCII))))
                    .getSerialNumber().toString(16);
            HttpResponse<String> revoked = s.postJson("/api/v1/cas/" + rootId + "/certificates/" + serial + "/revoke", admin,
                    Map.of("reason", "cACompromise"));
            assertEquals(200, revoked.statusCode(), revoked.body());

            HttpResponse<String> refused = s.postJson(issuePath, officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("after.example.com")));
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    refused.headers().toString());
            assertEquals("https://signet.dev/problems/conflict", TestServer.json(refused).get("type").asText());
            assertEquals("ca-revoked", TestServer.json(refused).get("code").asText());
            assertEquals("retired", TestServer.json(s.get("/api/v1/cas/" + subId, admin)).get("status").asText());
            JsonNode audit = TestServer.json(s.get("/api/v1/audit?action=ca.retire&objectId=" + subId, s.token("auditor")));
            assertTrue(audit.toString().contains("its certificate was revoked"), audit.toString());
        }
    }
}
