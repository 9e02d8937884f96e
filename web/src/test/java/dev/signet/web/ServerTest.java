package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled server over a real data directory: first start, restart, audit, metrics. */
class ServerTest {

    @TempDir
    Path data;

    private static String printedToken(String console) {
        Matcher m = Pattern.compile("(sgt_[A-Za-z0-9_-]{43})").matcher(console);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void first_start_prints_a_working_admin_token_and_a_second_start_reuses_everything() throws Exception {
        String admin;
        String keysBefore;
        try (TestServer s = TestServer.start(data)) {
            admin = printedToken(s.console);
            assertTrue(admin != null, s.console);
            HttpResponse<String> r = s.get("/api/v1/keys", admin);
            assertEquals(200, r.statusCode(), r.body());
            keysBefore = r.body();
            assertFalse(keysBefore.contains("PRIVATE"));
        }
        try (TestServer s = TestServer.start(data)) {
            assertEquals(null, printedToken(s.console), "second start must not create another admin token");
            HttpResponse<String> r = s.get("/api/v1/keys", admin);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(keysBefore, r.body());
        }
    }

    @Test
    void a_port_in_use_is_refused_by_setting_name_before_anything_is_opened() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            Path other = data.resolveSibling(data.getFileName() + "-other");
            dev.signet.web.config.SignetConfig config = new dev.signet.web.config.ConfigLoader(TestServer.ENV)
                    .load(null, other, s.server.port());
            dev.signet.web.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.signet.web.config.ConfigException.class, () -> SignetServer.start(config, System.out));
            assertEquals("server.port", e.setting());
            assertFalse(java.nio.file.Files.exists(other), "nothing is created when the port cannot be bound");
        }
    }

    private static String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(p));
    }

    @Test
    void the_data_directory_and_database_files_are_for_the_owner_only_and_old_modes_are_repaired() throws Exception {
        Path fresh = data.resolve("fresh");
        try (TestServer s = TestServer.start(fresh)) {
            s.token("officer"); // a write, so that the -wal and -shm files exist
            assertEquals("rwx------", mode(fresh));
            for (String f : new String[] {"signet.db", "signet.db-wal", "signet.db-shm"}) {
                assertEquals("rw-------", mode(fresh.resolve(f)), f);
            }
        }
        // As an older version left them: world-readable.
        java.nio.file.Files.setPosixFilePermissions(fresh, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.nio.file.Files.setPosixFilePermissions(fresh.resolve("signet.db"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (TestServer s = TestServer.start(fresh)) {
            assertEquals("rwx------", mode(fresh));
            for (String f : new String[] {"signet.db", "signet.db-wal", "signet.db-shm"}) {
                assertEquals("rw-------", mode(fresh.resolve(f)), f);
            }
        }
    }

    @Test
    void health_is_public_and_ok() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            HttpResponse<String> r = s.get("/health", null);
            assertEquals(200, r.statusCode());
            assertEquals("ok", TestServer.json(r).get("status").asText());
        }
    }

    @Test
    void health_turns_503_when_the_hsm_is_gone_without_saying_why_to_the_caller() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            JsonNode up = TestServer.json(s.get("/health", null));
            assertEquals("ok", up.get("database").asText());
            assertEquals("ok", up.get("hsm").asText());
            s.server.services().hsm().close();
            // A result is reused for a second, so that health checks cannot flood the HSM.
            Thread.sleep(1_100);
            HttpResponse<String> down = s.get("/health", null);
            assertEquals(503, down.statusCode(), down.body());
            assertEquals("application/problem+json", down.headers().firstValue("Content-Type").orElse(""));
            JsonNode body = TestServer.json(down);
            assertEquals("not able to serve: database ok, HSM failed", body.get("detail").asText());
            assertFalse(down.body().contains("closed"), "the reason stays in the log: " + down.body());
        }
    }

    @Test
    void refusals_are_written_to_an_intact_audit_chain_anonymous_ones_as_one_summary_per_client() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            String officer = s.token("officer");
            String auditor = s.token("auditor");
            long before = s.server.services().auditLog().list(0, 1).total();
            // Anyone who reaches the port can send these by the thousand: none of them is a chain entry of its own.
            for (int i = 0; i < 200; i++) {
                assertEquals(401, s.get(i % 2 == 0 ? "/api/v1/cas" : "/api/v1/tokens", i % 3 == 0 ? null : "sgt_" + "x".repeat(43)).statusCode());
            }
            assertEquals(before, s.server.services().auditLog().list(0, 1).total(), "anonymous refusals are counted, not written");
            // An authenticated caller's refusal is an entry of its own, at once.
            assertEquals(403, s.get("/api/v1/audit", officer).statusCode());
            assertEquals(before + 1, s.server.services().auditLog().list(0, 1).total());
            s.server.services().anonymousRefusals().flush();

            HttpResponse<String> r = s.get("/api/v1/audit?limit=10", auditor);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode items = TestServer.json(r).get("items");
            int summaries = 0;
            boolean sawOfficer = false;
            for (JsonNode e : items) {
                if (e.get("action").asText().equals("request.refused.summary")) {
                    summaries++;
                    assertEquals("127.0.0.1", e.get("objectId").asText());
                    JsonNode details = dev.signet.web.http.Json.MAPPER.readTree(e.get("details").asText());
                    assertEquals(200, details.get("count").asInt(), e.toString());
                    assertEquals(200, details.get("statuses").get("401").asInt(), e.toString());
                }
                if (e.get("action").asText().equals("request.refused")) {
                    sawOfficer |= e.get("actor").asText().startsWith("token:") && e.get("objectId").asText().equals("/api/v1/audit");
                }
            }
            assertEquals(1, summaries, items.toString());
            assertTrue(sawOfficer, items.toString());
            assertFalse(r.body().contains(officer), "tokens never reach the audit log");
            assertTrue(s.get("/metrics", auditor).body().contains("signet_requests_refused_anonymous_total 200.0"));
            HttpResponse<String> v = s.get("/api/v1/audit/verify", auditor);
            assertEquals(200, v.statusCode(), v.body());
            assertTrue(TestServer.json(v).get("intact").asBoolean(), v.body());
        }
    }

    @Test
    void metrics_report_requests_by_route_certificates_issued_and_hsm_operations() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            s.get("/health", null);
            String officer = s.token("officer");
            String issuing = null;
            for (JsonNode ca : TestServer.json(s.get("/api/v1/cas", officer))) {
                if (ca.hasNonNull("parentId")) {
                    issuing = ca.get("id").asText();
                }
            }
            assertEquals(201, s.postJson("/api/v1/cas/" + issuing + "/certificates", officer,
                    java.util.Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("metrics.example.com"))).statusCode());
            assertEquals(401, s.get("/metrics", null).statusCode(), "metrics need a credential");
            String body = s.get("/metrics", s.token("auditor")).body();
            assertTrue(body.contains("signet_certificates_issued_total{profile=\"tls-server\"} 1.0"), body);
            assertTrue(body.contains("signet_hsm_operations_seconds_count{algorithm=\"ECDSA_SHA256\",backend=\"software\",operation=\"sign\"}"), body);
            assertTrue(body.contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/cas/{caId}/certificates\",status=\"201\"} 1"), body);
            assertTrue(body.contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}"), body);
            assertTrue(body.contains("signet_hsm_operations_seconds_count{algorithm="), body);
        }
    }

    @Test
    void unknown_ca_certificate_is_a_404_problem() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            HttpResponse<String> r = s.get("/ca/nope.crt", null);
            assertEquals(404, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
    }
}
