package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.StoreException;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only node ({@code serve --responder}) beside a full one, on one database and one SoftHSM2
 * token: it serves CA certificates, CRLs and OCSP (following the full node's revocations), and
 * nothing else; it opens the database read-only and refuses any write.
 */
class ResponderNodeTest {

    @TempDir
    Path dir;

    @Test
    void a_responder_serves_ocsp_crls_and_ca_certificates_and_nothing_else_with_read_only_access() throws Exception {
        Path config = Files.writeString(dir.resolve("signet.yaml"), SoftHsm2Token.settings(dir, SoftHsm2Token.Use.RESPONDER));
        SignetConfig settings = new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0);
        try (TestServer full = TestServer.of(SignetServer.start(settings,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
            String officer = full.token("officer");
            String issuingId = null;
            for (JsonNode ca : TestServer.json(full.get("/api/v1/cas", officer))) {
                if (ca.hasNonNull("parentId")) {
                    issuingId = ca.get("id").asText();
                }
            }
            HttpResponse<String> issued = full.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("responder.example.com")));
            assertEquals(201, issued.statusCode(), issued.body());
            String serial = TestServer.json(issued).get("serial").asText();
            Path leaf = Files.writeString(dir.resolve("leaf.pem"), TestServer.json(issued).get("certificatePem").asText());

            try (TestServer responder = TestServer.of(SignetServer.startResponder(settings))) {
                assertTrue(responder.server.services().database().readOnly());
                HttpResponse<byte[]> caCert = responder.getBytes("/ca/" + issuingId + ".crt", null, "application/pkix-cert");
                assertEquals(200, caCert.statusCode());
                X509Certificate issuer = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(caCert.body()));
                Path issuerPem = Files.writeString(dir.resolve("issuer.pem"), "-----BEGIN CERTIFICATE-----\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(issuer.getEncoded()) + "\n-----END CERTIFICATE-----\n");
                assertEquals(200, responder.getBytes("/crl/" + issuingId + ".crl", null, "application/pkix-crl").statusCode());
                String url = responder.base + "/ocsp/" + issuingId;
                assertTrue(openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", leaf.toString(), "-url", url, "-no_nonce",
                        "-CAfile", issuerPem.toString(), "-partial_chain").contains(": good"));

                assertEquals(200, full.postJson("/api/v1/cas/" + issuingId + "/certificates/" + serial + "/revoke", officer,
                        Map.of("reason", "superseded")).statusCode());
                // The responder polls every revocation.pollMillis (1 s); the rest is room for a loaded CI machine.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String answer;
                do {
                    Thread.sleep(100); // one query per 100 ms: a tight loop of connections hits the per-address cap
                    answer = openssl("ocsp", "-issuer", issuerPem.toString(), "-cert", leaf.toString(), "-url", url, "-no_nonce",
                            "-CAfile", issuerPem.toString(), "-partial_chain");
                } while (!answer.contains(": revoked") && System.nanoTime() < deadline);
                assertTrue(answer.contains(": revoked"), answer);
                assertTrue(answer.contains("Response verify OK"), answer);

                assertEquals(404, responder.post("/tsa", null, "application/timestamp-query", "x").statusCode(),
                        "no TSA on a read-only node");
                assertEquals(404, responder.get("/api/v1/cas", officer).statusCode(), "no API");
                assertEquals(404, responder.get("/ui/login", null).statusCode(), "no UI");
                StoreException refused = assertThrows(StoreException.class, () -> responder.server.services().access()
                        .createToken("sneaky", "admin", Set.of(), null, "test"));
                assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
            }
        }
    }

    private String openssl(String... args) throws Exception {
        return Commands.openssl(dir, args);
    }
}
