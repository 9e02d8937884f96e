package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pending CA without a certificate whose key is not in the HSM: what a root creation that failed
 * left before Signet removed such roots again, or a record restored without its keys. A start must
 * not fail on it, and it is shown as pending and issues, signs and publishes nothing.
 */
class PendingRootTest {

    @TempDir
    Path data;

    @Test
    void a_pending_ca_whose_key_is_missing_does_not_stop_a_start_and_is_shown_as_pending() throws Exception {
        try (TestServer first = TestServer.start(data)) {
            assertEquals(2, first.server.services().authorities().list().size());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("signet.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO ca (id, name, status, key_label, key_backend, key_algorithm, base_url, created_at)"
                    + " SELECT 'stray-root', 'Stray Root', 'pending', 'ca-stray-root-00000000', key_backend, key_algorithm,"
                    + " base_url, created_at + 1 FROM ca WHERE parent_id IS NULL");
        }
        try (TestServer again = TestServer.start(data)) {
            String reader = again.token("auditor");
            HttpResponse<String> list = again.get("/api/v1/cas", reader);
            assertEquals(200, list.statusCode(), list.body());
            List<String> statuses = new ArrayList<>();
            for (JsonNode ca : TestServer.json(list)) {
                statuses.add(ca.get("id").asText() + "=" + ca.get("status").asText());
            }
            assertTrue(statuses.contains("stray-root=pending"), statuses.toString());
            assertEquals(3, statuses.size(), statuses.toString());

            HttpResponse<String> one = again.get("/api/v1/cas/stray-root", reader);
            assertEquals(200, one.statusCode(), one.body());
            assertEquals("pending", TestServer.json(one).get("status").asText());

            assertEquals(404, again.get("/ca/stray-root.pem", null).statusCode(), "no certificate to publish");
            assertEquals(404, again.get("/crl/stray-root.crl", null).statusCode(), "no CRL without a certificate and key");
            HttpResponse<String> issue = again.postJson("/api/v1/cas/stray-root/certificates", again.token("officer"),
                    java.util.Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("www.example.com")));
            assertEquals(409, issue.statusCode(), issue.body());
            assertEquals("ca-not-active", TestServer.json(issue).get("code").asText(), issue.body());
        }
    }
}
