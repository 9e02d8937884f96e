package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.Profiles;
import dev.signet.web.config.ConfigException;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator profiles from {@code profiles.dir}, with the examples in {@code samples/profiles}. */
class OperatorProfilesTest {

    private static final Path SAMPLES = Path.of("..", "samples", "profiles").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void every_sample_profile_loads() {
        List<String> names = Profiles.load(SAMPLES).all().stream().map(p -> p.name()).toList();
        assertTrue(names.containsAll(List.of("internal-web", "workload-identity", "internal-sub-ca")), names.toString());
        assertTrue(names.containsAll(Profiles.BUILT_IN), "the built-ins stay beside them");
    }

    @Test
    void the_server_issues_under_a_sample_profile_and_enforces_it() throws Exception {
        Path config = Files.writeString(dir.resolve("signet.yaml"), "profiles.dir: " + SAMPLES + "\n");
        try (TestServer s = TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
            String officer = s.token("officer");
            String admin = s.token("admin");
            assertEquals(200, s.get("/api/v1/profiles/internal-web", officer).statusCode());
            String issuing = ca(s, officer, true);

            JsonNode ok = TestServer.json(s.postJson("/api/v1/cas/" + issuing + "/certificates", officer,
                    Map.of("profile", "internal-web", "csr", Csrs.tlsServerPem("app.internal.example.com"))));
            X509Certificate cert = parse(ok.get("certificatePem").asText()).get(0);
            long days = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays();
            assertTrue(days <= 90, "validity " + days + " days");
            assertTrue(cert.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"));

            var outside = s.postJson("/api/v1/cas/" + issuing + "/certificates", officer,
                    Map.of("profile", "internal-web", "csr", Csrs.tlsServerPem("www.example.org")));
            assertEquals(422, outside.statusCode(), outside.body());

            var sub = s.postJson("/api/v1/cas", admin, Map.of("name", "Internal", "subject", "CN=Internal Sub CA,O=Example",
                    "parentId", ca(s, officer, false), "profile", "internal-sub-ca"));
            assertEquals(201, sub.statusCode(), sub.body());
            X509Certificate subCert = parse(TestServer.json(sub).get("certificatePem").asText()).get(0);
            assertTrue(subCert.getCriticalExtensionOIDs().contains(Extension.nameConstraints.getId()));
            assertEquals(0, subCert.getBasicConstraints());
        }
    }

    @Test
    void an_admin_reloads_the_profile_directory_all_or_nothing() throws Exception {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Path config = Files.writeString(dir.resolve("signet.yaml"), "profiles.dir: " + profiles + "\n");
        try (TestServer s = TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
            String admin = s.token("admin");
            String officer = s.token("officer");
            assertEquals(404, s.get("/api/v1/profiles/internal-web", officer).statusCode());

            Files.copy(SAMPLES.resolve("internal-web.json"), profiles.resolve("internal-web.json"));
            var reloaded = s.postJson("/api/v1/profiles/reload", admin, Map.of());
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertTrue(reloaded.body().contains("\"internal-web\""), reloaded.body());
            var issued = s.postJson("/api/v1/cas/" + ca(s, officer, true) + "/certificates", officer,
                    Map.of("profile", "internal-web", "csr", Csrs.tlsServerPem("api.internal.example.com")));
            assertEquals(201, issued.statusCode(), issued.body());

            // A mistake anywhere: nothing changes, and the file is named.
            Files.writeString(profiles.resolve("zz-bad.json"), "{\"name\": \"bad\", \"maxValidityDays\": 30}");
            Files.delete(profiles.resolve("internal-web.json"));
            var refused = s.postJson("/api/v1/profiles/reload", admin, Map.of());
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("zz-bad.json"), refused.body());
            assertEquals(200, s.get("/api/v1/profiles/internal-web", officer).statusCode(), "the old set stays in use");

            JsonNode reloads = TestServer.json(s.get("/api/v1/audit?action=profiles.reload", admin));
            assertEquals(1, reloads.get("total").asInt(), reloads.toString());
            assertTrue(reloads.get("items").get(0).get("details").asText().contains("internal-web"), reloads.toString());
        }
    }

    @Test
    void a_bad_profile_stops_the_start_naming_the_file_and_field() throws Exception {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("bad.json"), "{\"name\": \"bad\", \"keys\": {\"rsaMinBits\": 1024},"
                + " \"maxValidityDays\": 30, \"keyUsage\": [\"digitalSignature\"]}");
        Path config = Files.writeString(dir.resolve("signet.yaml"), "profiles.dir: " + profiles + "\n");
        Path data = dir.resolve("data");
        ConfigException e = assertThrows(ConfigException.class, () -> SignetServer.start(
                new ConfigLoader(TestServer.ENV).load(config, data, 0), System.out));
        assertEquals("profiles.dir", e.setting());
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("keys.rsaMinBits"), e.getMessage());
        assertFalse(Files.exists(data.resolve("signet.db")), "nothing is opened when a profile is bad");
    }

    /** The demo issuing CA, or the demo root. */
    private static String ca(TestServer s, String token, boolean issuing) throws Exception {
        for (JsonNode ca : TestServer.json(s.get("/api/v1/cas", token))) {
            if (ca.hasNonNull("parentId") == issuing) {
                return ca.get("id").asText();
            }
        }
        throw new AssertionError("no such demo CA");
    }

    private static List<X509Certificate> parse(String pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }
}
