package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditQuery;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.Database;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
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

    @Test
    void a_first_start_that_stopped_while_making_its_root_is_completed_by_the_next_start() throws Exception {
        String backend;
        try (Services s = Services.open(TestServer.config(data))) {
            backend = s.hsmBackend();
        }
        // What a first start stopped between storing its root as pending and activating it leaves.
        try (Database db = Database.open(data.resolve("signet.db"))) {
            new CaStore(db).create(new CaRecord("signet-demo-root-ca", "Signet Demo Root CA", CaRecord.PENDING,
                    "ca-signet-demo-root-ca-00000000", backend, "EC_P256", null, null, null, "http://127.0.0.1", Instant.now()),
                    new AuditEvent(FirstStart.ACTOR, "ca.create", "ca", "signet-demo-root-ca", "{\"keyAlgorithm\":\"EC_P256\","
                            + "\"keyLabel\":\"ca-signet-demo-root-ca-00000000\",\"subject\":\"CN=Signet Demo Root CA,O=Signet\","
                            + "\"type\":\"root\"}"));
        }
        try (TestServer next = TestServer.start(data)) {
            Services s = next.server.services();
            List<String> cas = s.authorities().list().stream().map(c -> c.id() + "=" + c.status()).toList();
            assertEquals(List.of("signet-demo-root-ca=active", "signet-demo-issuing-ca=active"), cas);
            assertTrue(next.console.contains("of an earlier first start that did not finish was removed"), next.console);
            assertEquals(List.of("ca.create", "ca.create-failed", "ca.create", "ca.activate"),
                    s.auditLog().list(AuditQuery.forObject("ca", "signet-demo-root-ca", 10)).items().stream()
                            .sorted(java.util.Comparator.comparingLong(AuditEntry::seq)).map(AuditEntry::action).toList());
            assertTrue(s.auditLog().verify().intact(), "the audit chain verifies");
            assertTrue(s.timeStampAuthorities().list().stream().anyMatch(t -> "signet-demo-issuing-ca".equals(t.caId())),
                    "the demo TSA is certified by the issuing CA made now");
        }
    }
}
