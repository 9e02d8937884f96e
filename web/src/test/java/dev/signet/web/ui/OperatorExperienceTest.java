package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer tripped over, over a real server and real HTTP: refusals that say which role is
 * needed, issuance through the UI counted in the metrics, a wrong method answered 405, serial and
 * status searches, and audit filters that match prefixes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorExperienceTest {

    static final String CA = "signet-demo-issuing-ca";
    private static final Pattern OFFICER_PASSWORD = Pattern.compile("user:\\s+officer\\s.*\\R\\s+password: (\\S+)");

    @TempDir
    static Path data;
    UiServer server;

    @BeforeAll
    void start() {
        server = UiServer.start(data);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String token(String role) {
        return server.server.services().access().createToken("t-" + role, role, java.util.Set.of(), null, "test").secret();
    }

    private HttpResponse<String> api(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path)).header("Authorization", "Bearer " + token);
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return server.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String issueJson(String name) throws Exception {
        return Json.MAPPER.writeValueAsString(Map.of("profile", "tls-server", "csr", Csrs.tlsServer(name)));
    }

    @Test
    void the_first_start_prints_an_officer_who_can_log_in_and_issue() throws Exception {
        Matcher m = OFFICER_PASSWORD.matcher(server.console);
        assertTrue(m.find(), server.console);
        String cookie = server.login("officer", m.group(1));
        HttpResponse<String> page = server.get("/ui/issue", cookie);
        assertEquals(200, page.statusCode());
        assertTrue(server.console.contains("as officer to issue"), server.console);
    }

    @Test
    void a_refusal_names_the_role_that_may_and_how_to_get_one() throws Exception {
        HttpResponse<String> api = api("POST", "/api/v1/cas/" + CA + "/certificates", token("admin"), issueJson("r.example.com"));
        assertEquals(403, api.statusCode());
        String detail = Json.MAPPER.readTree(api.body()).get("detail").asText();
        assertTrue(detail.contains("role admin may not do this; it needs role officer"), detail);
        assertTrue(detail.contains("token create --role officer"), detail);

        String admin = server.login("admin", server.adminPassword);
        HttpResponse<String> page = server.get("/ui/issue", admin);
        assertEquals(403, page.statusCode());
        assertTrue(page.body().contains("This page needs the role officer"), page.body());
        assertTrue(page.body().contains("Users page"), page.body());
        assertTrue(server.get("/ui", admin).body().contains("id=\"admin-cannot-issue\""), "the admin's dashboard says how to issue");
    }

    @Test
    void issuance_through_the_ui_and_the_api_is_counted_in_the_metrics() throws Exception {
        String officer = token("officer");
        assertEquals(201, api("POST", "/api/v1/cas/" + CA + "/certificates", officer, issueJson("api.example.com")).statusCode());
        server.createUser("metrics-officer", "officer password 1", "officer");
        String cookie = server.login("metrics-officer", "officer password 1");
        String csrf = UiServer.csrf(server.get("/ui/issue", cookie).body());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_csrf", csrf);
        form.put("ca", CA);
        form.put("profile", "tls-server");
        form.put("csr", Csrs.tlsServer("ui.example.com"));
        assertEquals(303, server.postForm("/ui/issue", cookie, form).statusCode());
        assertEquals(201, api("POST", "/api/v1/identities", officer, Json.MAPPER.writeValueAsString(Map.of(
                "caId", CA, "profile", "document-signer", "subject", "CN=Metrics Signer"))).statusCode());

        String metrics = api("GET", "/metrics", token("auditor"), null).body();
        long stored = server.server.services().authorities().search(new dev.signet.ca.CertificateQuery(
                null, null, null, null, null, null, null, java.util.Set.of("root-ca", "sub-ca"),
                dev.signet.ca.CertificateQuery.Order.EXPIRY, 0, 1)).total();
        double counted = 0;
        for (String line : metrics.lines().filter(l -> l.startsWith("signet_certificates_issued_total{")).toList()) {
            counted += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        // Every end-entity certificate in the database, however it was asked for (CA certificates are not counted).
        assertTrue(metrics.contains("signet_certificates_issued_total{profile=\"document-signer\"}"), metrics);
        assertTrue(stored >= 3, "stored " + stored);
        assertEquals(stored, (long) counted, metrics);
    }

    @Test
    void a_wrong_method_on_a_resource_is_405_not_404() throws Exception {
        String officer = token("officer");
        String serial = Json.MAPPER.readTree(api("POST", "/api/v1/cas/" + CA + "/certificates", officer,
                issueJson("m.example.com")).body()).get("serial").asText();
        HttpResponse<String> r = api("DELETE", "/api/v1/cas/" + CA + "/certificates/" + serial, officer, null);
        assertEquals(405, r.statusCode(), r.body());
        JsonNode problem = Json.MAPPER.readTree(r.body());
        assertEquals("https://signet.dev/problems/method-not-allowed", problem.get("type").asText());
        assertEquals(404, api("GET", "/api/v1/no-such-thing", officer, null).statusCode());
    }

    @Test
    void the_sub_ca_profile_on_the_issue_route_points_to_creating_a_ca() throws Exception {
        String body = Json.MAPPER.writeValueAsString(Map.of("profile", "sub-ca", "csr", Csrs.tlsServer("s.example.com")));
        HttpResponse<String> r = api("POST", "/api/v1/cas/" + CA + "/certificates", token("officer"), body);
        assertEquals(400, r.statusCode());
        String detail = Json.MAPPER.readTree(r.body()).get("detail").asText();
        assertTrue(detail.contains("POST /api/v1/cas"), detail);
        assertFalse(detail.contains("createSubordinate"), detail);
    }

    @Test
    void the_api_searches_by_serial_with_colons_and_by_status_newest_first() throws Exception {
        String officer = token("officer");
        String first = Json.MAPPER.readTree(api("POST", "/api/v1/cas/" + CA + "/certificates", officer,
                issueJson("first.example.com")).body()).get("serial").asText();
        Thread.sleep(5);
        String second = Json.MAPPER.readTree(api("POST", "/api/v1/cas/" + CA + "/certificates", officer,
                issueJson("second.example.com")).body()).get("serial").asText();
        String colons = String.join(":", second.toUpperCase().split("(?<=\\G..)"));
        JsonNode bySerial = Json.MAPPER.readTree(api("GET", "/api/v1/certificates?serial=" + colons, officer, null).body());
        assertEquals(1, bySerial.get("total").asLong(), bySerial.toString());
        assertEquals(second, bySerial.get("items").get(0).get("serial").asText());

        JsonNode newest = Json.MAPPER.readTree(api("GET", "/api/v1/certificates?sort=issued&q=.example.com&status=valid&limit=2",
                officer, null).body());
        assertEquals(second, newest.get("items").get(0).get("serial").asText(), newest.toString());
        assertTrue(newest.get("items").get(1).get("serial").asText().length() > 0);
        JsonNode expired = Json.MAPPER.readTree(api("GET", "/api/v1/certificates?status=expired", officer, null).body());
        assertEquals(0, expired.get("total").asLong());
        assertEquals(400, api("GET", "/api/v1/certificates?sort=sideways", officer, null).statusCode());
        assertFalse(first.equals(second));
    }

    @Test
    void the_api_renews_a_certificate_with_the_same_names() throws Exception {
        String officer = token("officer");
        JsonNode old = Json.MAPPER.readTree(api("POST", "/api/v1/cas/" + CA + "/certificates", officer,
                issueJson("renew.example.com")).body());
        HttpResponse<String> r = api("POST", "/api/v1/cas/" + CA + "/certificates/" + old.get("serial").asText() + "/renew",
                officer, "{\"validityDays\": 10}");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode renewed = Json.MAPPER.readTree(r.body());
        assertFalse(old.get("serial").asText().equals(renewed.get("serial").asText()));
        assertEquals(old.get("subject").asText(), renewed.get("subject").asText());
        assertEquals(old.get("subjectAltNames"), renewed.get("subjectAltNames"));
        HttpResponse<String> tooLong = api("POST", "/api/v1/cas/" + CA + "/certificates/" + old.get("serial").asText() + "/renew",
                officer, "{\"validityDays\": 4000}");
        assertEquals(422, tooLong.statusCode(), tooLong.body());
    }

    @Test
    void audit_filters_match_prefixes() throws Exception {
        server.login("admin", server.adminPassword);
        JsonNode page = Json.MAPPER.readTree(api("GET", "/api/v1/audit?action=login", token("auditor"), null).body());
        assertTrue(page.get("total").asLong() > 0, page.toString());
        for (JsonNode e : page.get("items")) {
            assertTrue(e.get("action").asText().startsWith("login"), e.toString());
        }
    }
}
