package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issuance and lookup over HTTP, checked with the JDK's certificate parser and PKIX validator. */
class CertificateApiTest {

    @TempDir
    static Path data;

    static TestServer server;
    static String officer;
    static String auditor;
    static String issuingId;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        officer = server.token("officer");
        auditor = server.token("auditor");
        for (JsonNode ca : TestServer.json(server.get("/api/v1/cas", auditor))) {
            if (ca.hasNonNull("parentId")) {
                issuingId = ca.get("id").asText();
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<X509Certificate> parse(byte[] bytes) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
                .forEach(c -> out.add((X509Certificate) c));
        return out;
    }

    private static void assertValidates(X509Certificate leaf, List<X509Certificate> chain) throws Exception {
        X509Certificate root = chain.get(chain.size() - 1);
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(chain.subList(0, chain.size() - 1));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }

    @Test
    void a_json_csr_is_issued_and_validates_to_the_root_with_the_jdk() throws Exception {
        HttpResponse<String> r = server.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("www.example.com")));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode c = TestServer.json(r);
        String serial = c.get("serial").asText();
        assertTrue(serial.matches("[1-9a-f][0-9a-f]*"), serial);
        X509Certificate leaf = parse(c.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)).get(0);
        assertEquals(serial, leaf.getSerialNumber().toString(16));
        assertTrue(leaf.getSubjectAlternativeNames().toString().contains("www.example.com"));
        assertValidates(leaf, parse(c.get("chainPem").asText().getBytes(StandardCharsets.US_ASCII)));
        assertEquals("/api/v1/cas/" + issuingId + "/certificates/" + serial, r.headers().firstValue("Location").orElse(""));
    }

    @Test
    void a_der_pkcs10_body_is_issued_too() throws Exception {
        byte[] der = Csrs.tlsServer("der.example.com").getEncoded();
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/cas/" + issuingId + "/certificates?profile=tls-server"))
                .header("Authorization", "Bearer " + officer).header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofByteArray(der)).build();
        HttpResponse<String> r = server.client.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("tls-server", TestServer.json(r).get("profile").asText());
    }

    @Test
    void a_certificate_is_served_as_json_pem_or_der_by_accept() throws Exception {
        HttpResponse<String> issued = server.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("formats.example.com")));
        String serial = TestServer.json(issued).get("serial").asText();
        String path = "/api/v1/cas/" + issuingId + "/certificates/" + serial;
        JsonNode json = TestServer.json(server.get(path, auditor));
        assertEquals("valid", json.get("status").asText());
        X509Certificate fromJson = parse(json.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)).get(0);
        HttpResponse<byte[]> der = server.getBytes(path, auditor, "application/pkix-cert");
        assertEquals("application/pkix-cert", der.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(fromJson.getEncoded(), parse(der.body()).get(0).getEncoded());
        HttpResponse<byte[]> pem = server.getBytes(path, auditor, "application/x-pem-file");
        assertTrue(new String(pem.body(), StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
        assertArrayEquals(fromJson.getEncoded(), parse(pem.body()).get(0).getEncoded());
        // A zero-padded serial names the same certificate.
        assertEquals(200, server.get("/api/v1/cas/" + issuingId + "/certificates/00" + serial, auditor).statusCode());
    }

    @Test
    void search_finds_by_name_and_pages() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(201, server.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("page" + i + ".search.example.org"))).statusCode());
        }
        JsonNode p1 = TestServer.json(server.get("/api/v1/certificates?q=search.example.org&limit=2", auditor));
        assertEquals(3, p1.get("total").asInt());
        assertEquals(2, p1.get("items").size());
        JsonNode p2 = TestServer.json(server.get("/api/v1/certificates?q=search.example.org&limit=2&offset=2", auditor));
        assertEquals(1, p2.get("items").size());
        assertEquals(400, server.get("/api/v1/certificates?limit=0", auditor).statusCode());
        assertEquals(400, server.get("/api/v1/certificates?status=maybe", auditor).statusCode());
    }

    @Test
    void bad_requests_get_the_right_problem_and_issue_nothing() throws Exception {
        long before = TestServer.json(server.get("/api/v1/certificates?limit=1", auditor)).get("total").asLong();
        String base = "/api/v1/cas/" + issuingId + "/certificates";
        assertProblem(server.postJson(base, officer, Map.of("profile", "tls-server", "csr", "not a csr")), 400);
        assertProblem(server.postJson(base, officer, Map.of("profile", "no-such-profile", "csr", Csrs.tlsServerPem("a.example.com"))), 404);
        assertProblem(server.postJson("/api/v1/cas/no-such-ca/certificates", officer, Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("a.example.com"))), 404);
        // tls-server allows DNS names matching its pattern only: an upper-case, underscore name is refused by policy.
        assertProblem(server.postJson(base, officer, Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("Bad_Name.example.com"))), 422);
        assertProblem(server.post(base, officer, "text/plain", "hello"), 415);
        assertProblem(server.post(base, officer, "application/json", "{\"profile\":"), 400);
        assertProblem(server.postJson(base, officer, Map.of("profile", "tls-server")), 400);
        assertProblem(server.post(base, officer, "application/json", "{\"profile\":\"tls-server\",\"csr\":\"" + "A".repeat(1_100_000) + "\"}"), 413);
        assertEquals(before, TestServer.json(server.get("/api/v1/certificates?limit=1", auditor)).get("total").asLong());
    }

    private static void assertProblem(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        JsonNode p = TestServer.json(r);
        assertEquals(status, p.get("status").asInt());
        assertTrue(p.get("type").asText().startsWith("https://signet.dev/problems/"));
        assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), r.body());
    }

    @Test
    void a_signer_identity_gets_a_key_in_the_hsm_and_a_certificate_for_it() throws Exception {
        HttpResponse<String> r = server.postJson("/api/v1/identities", officer,
                Map.of("caId", issuingId, "profile", "document-signer", "subject", "CN=Alice Example", "keyAlgorithm", "EC_P256"));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode id = TestServer.json(r);
        X509Certificate cert = parse(id.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)).get(0);
        assertEquals("CN=Alice Example", cert.getSubjectX500Principal().getName());
        String keyLabel = id.get("keyLabel").asText();
        String admin = server.token("admin");
        assertTrue(server.get("/api/v1/keys", admin).body().contains("\"" + keyLabel + "\""));
        assertEquals(400, server.postJson("/api/v1/identities", officer,
                Map.of("caId", issuingId, "profile", "document-signer", "subject", "CN=X", "keyAlgorithm", "DSA_1024")).statusCode());
    }

    @Test
    void the_aia_ca_issuers_url_in_an_issued_certificate_serves_its_issuer() throws Exception {
        HttpResponse<String> r = server.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("aia.example.com")));
        JsonNode c = TestServer.json(r);
        X509Certificate leaf = parse(c.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)).get(0);
        org.bouncycastle.asn1.x509.AuthorityInformationAccess aia = org.bouncycastle.asn1.x509.AuthorityInformationAccess.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(leaf.getExtensionValue("1.3.6.1.5.5.7.1.1")).getOctets());
        String url = null;
        for (org.bouncycastle.asn1.x509.AccessDescription d : aia.getAccessDescriptions()) {
            if (d.getAccessMethod().equals(org.bouncycastle.asn1.x509.AccessDescription.id_ad_caIssuers)) {
                url = d.getAccessLocation().getName().toString();
            }
        }
        // The server listens on a port picked at start: the URL names that port, not 0.
        assertEquals(server.base + "/ca/" + issuingId + ".crt", url);
        HttpResponse<byte[]> ca = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, ca.statusCode());
        X509Certificate issuer = parse(ca.body()).get(0);
        assertEquals(leaf.getIssuerX500Principal(), issuer.getSubjectX500Principal());
        leaf.verify(issuer.getPublicKey());
    }

    @Test
    void the_public_ca_certificate_url_serves_der() throws Exception {
        HttpResponse<byte[]> r = server.getBytes("/ca/" + issuingId + ".crt", null, "*/*");
        assertEquals(200, r.statusCode());
        assertEquals("application/pkix-cert", r.headers().firstValue("Content-Type").orElse(""));
        X509Certificate ca = parse(r.body()).get(0);
        assertTrue(ca.getBasicConstraints() >= 0, "a CA certificate");
    }
}
