package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.PublishedCrl;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation over HTTP against a running server, checked by independent implementations: OpenSSL
 * ({@code openssl ocsp}, {@code openssl verify -crl_check}), GnuTLS {@code ocsptool} and the JDK's
 * PKIX validator fetching OCSP from the AIA URL and CRLs from the distribution point.
 */
class RevocationTest {

    static {
        // The JDK fetches CRLs from distribution points only when asked to (read when first used).
        System.setProperty("com.sun.security.enableCRLDP", "true");
    }

    @TempDir
    static Path data;
    @TempDir
    static Path work;

    static TestServer server;
    static String officer;
    static String admin;
    static String auditor;
    static String rootId;
    static String issuingId;
    static Path issuerPem;
    static Path rootPem;
    static Path chainPem;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        officer = server.token("officer");
        admin = server.token("admin");
        auditor = server.token("auditor");
        for (JsonNode ca : TestServer.json(server.get("/api/v1/cas", auditor))) {
            if (ca.hasNonNull("parentId")) {
                issuingId = ca.get("id").asText();
                issuerPem = Files.writeString(work.resolve("issuer.pem"), ca.get("certificatePem").asText());
                chainPem = Files.writeString(work.resolve("chain.pem"), ca.get("chainPem").asText());
            } else {
                rootId = ca.get("id").asText();
                rootPem = Files.writeString(work.resolve("root.pem"), ca.get("certificatePem").asText());
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Issues a TLS certificate; returns its serial and writes its PEM to {@code name}.pem. */
    private static String[] issue(String name) throws Exception {
        HttpResponse<String> r = server.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem(name + ".example.com")));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode c = TestServer.json(r);
        Path pem = Files.writeString(work.resolve(name + ".pem"), c.get("certificatePem").asText());
        return new String[] {c.get("serial").asText(), pem.toString()};
    }

    private static HttpResponse<String> revoke(String serial, String token, Map<String, String> body) throws Exception {
        return server.postJson("/api/v1/cas/" + issuingId + "/certificates/" + serial + "/revoke", token, body);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        return out;
    }

    private static String ocspUrl(String pem) throws Exception {
        return run("openssl", "x509", "-in", pem, "-noout", "-ocsp_uri").strip();
    }

    @Test
    void openssl_ocsp_says_good_then_revoked_with_the_reason_and_verifies_the_response() throws Exception {
        String[] leaf = issue("ocsp-openssl");
        String url = ocspUrl(leaf[1]);
        assertEquals(server.base + "/ocsp/" + issuingId, url);
        String good = run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-url", url,
                "-CAfile", rootPem.toString());
        assertTrue(good.contains("Response verify OK"), good);
        assertTrue(good.contains(leaf[1] + ": good"), good);

        HttpResponse<String> r = revoke(leaf[0], officer, Map.of("reason", "keyCompromise"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("revoked", TestServer.json(r).get("status").asText());
        for (String nonce : new String[] {"-nonce", "-no_nonce"}) {
            String revoked = run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-url", url,
                    "-CAfile", rootPem.toString(), nonce);
            assertTrue(revoked.contains("Response verify OK"), revoked);
            assertTrue(revoked.contains(leaf[1] + ": revoked"), revoked);
            assertTrue(revoked.contains("Reason: keyCompromise"), revoked);
        }
        String lookup = server.get("/api/v1/cas/" + issuingId + "/certificates/" + leaf[0], auditor).body();
        assertEquals("revoked", Json.read(lookup).get("status").asText());
    }

    @Test
    void gnutls_ocsptool_agrees_good_then_revoked() throws Exception {
        String[] leaf = issue("ocsp-gnutls");
        String good = run("ocsptool", "--ask", "--load-issuer", issuerPem.toString(), "--load-cert", leaf[1],
                "--load-signer", issuerPem.toString());
        assertTrue(good.contains("Certificate Status: good"), good);
        assertTrue(good.contains("Verifying OCSP Response: Success"), good);
        assertEquals(200, revoke(leaf[0], officer, Map.of("reason", "superseded")).statusCode());
        String revoked = run("ocsptool", "--ask", "--nonce", "--load-issuer", issuerPem.toString(), "--load-cert", leaf[1],
                "--load-signer", issuerPem.toString());
        assertTrue(revoked.contains("Certificate Status: revoked"), revoked);
        assertTrue(revoked.contains("Verifying OCSP Response: Success"), revoked);
    }

    @Test
    void several_certificates_sha256_certids_and_an_unused_serial_in_one_request() throws Exception {
        String[] a = issue("multi-a");
        String[] b = issue("multi-b");
        assertEquals(200, revoke(b[0], officer, Map.of("reason", "cessationOfOperation")).statusCode());
        String out = run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-sha256", "-cert", a[1], "-cert", b[1],
                "-serial", "0x7fffffffffffffffabcdef", "-url", ocspUrl(a[1]), "-CAfile", rootPem.toString());
        assertTrue(out.contains("Response verify OK"), out);
        assertTrue(out.contains(a[1] + ": good"), out);
        assertTrue(out.contains(b[1] + ": revoked"), out);
        assertTrue(out.contains("0x7fffffffffffffffabcdef: unknown"), out);
    }

    @Test
    void get_requests_are_answered_with_rfc5019_caching_headers_and_garbage_gets_malformed_request() throws Exception {
        String[] leaf = issue("ocsp-get");
        Path req = work.resolve("get.req");
        run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-no_nonce", "-reqout", req.toString());
        String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(req));
        String encoded = java.net.URLEncoder.encode(b64, StandardCharsets.US_ASCII);
        HttpResponse<byte[]> r = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/ocsp/" + issuingId
                + "/" + encoded)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/ocsp-response", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").matches("max-age=\\d+, public, no-transform, must-revalidate"),
                r.headers().toString());
        assertTrue(r.headers().firstValue("ETag").isPresent());
        assertTrue(r.headers().firstValue("Last-Modified").isPresent());
        assertTrue(r.headers().firstValue("Expires").isPresent());
        Path resp = Files.write(work.resolve("get.resp"), r.body());
        String text = run("openssl", "ocsp", "-respin", resp.toString(), "-issuer", issuerPem.toString(), "-cert", leaf[1],
                "-CAfile", rootPem.toString());
        assertTrue(text.contains(leaf[1] + ": good"), text);

        for (byte[] garbage : new byte[][] {"garbage".getBytes(StandardCharsets.US_ASCII), new byte[0], new byte[100_000]}) {
            HttpResponse<byte[]> g = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/ocsp/" + issuingId))
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(garbage)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, g.statusCode());
            assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, new OCSPResp(g.body()).getStatus());
        }
        HttpResponse<byte[]> g = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/ocsp/" + issuingId
                + "/bm90IGFuIG9jc3AgcmVxdWVzdA==")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, new OCSPResp(g.body()).getStatus());
    }

    @Test
    void a_ca_signet_does_not_serve_gets_unauthorized() throws Exception {
        String[] leaf = issue("ocsp-foreign");
        // The leaf's own certificate as its "issuer": name and key hashes of no Signet CA.
        String out = run("openssl", "ocsp", "-issuer", leaf[1], "-cert", leaf[1], "-url", ocspUrl(leaf[1]), "-noverify");
        assertTrue(out.contains("unauthorized"), out);
    }

    @Test
    void revoke_errors_are_404_409_422_and_403_and_hold_is_released() throws Exception {
        assertEquals(404, revoke("abcdef0123456789", officer, Map.of("reason", "keyCompromise")).statusCode());
        String[] leaf = issue("errors");
        HttpResponse<String> unknown = revoke(leaf[0], officer, Map.of("reason", "becauseISaidSo"));
        assertEquals(422, unknown.statusCode());
        assertTrue(unknown.body().contains("becauseISaidSo"), unknown.body());
        assertEquals(400, revoke(leaf[0], officer, Map.of("reason", "superseded", "invalidityDate", "yesterday")).statusCode());

        HttpResponse<String> hold = revoke(leaf[0], officer, Map.of("reason", "certificateHold",
                "invalidityDate", "2026-01-02T03:04:05Z"));
        assertEquals(200, hold.statusCode(), hold.body());
        assertEquals(409, revoke(leaf[0], officer, Map.of("reason", "keyCompromise")).statusCode());
        String onHold = run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-url", ocspUrl(leaf[1]),
                "-CAfile", rootPem.toString(), "-no_nonce");
        assertTrue(onHold.contains("Reason: certificateHold"), onHold);

        HttpResponse<String> released = server.postJson("/api/v1/cas/" + issuingId + "/certificates/" + leaf[0] + "/release",
                officer, Map.of());
        assertEquals(200, released.statusCode(), released.body());
        assertEquals("valid", TestServer.json(released).get("status").asText());
        assertEquals(409, server.postJson("/api/v1/cas/" + issuingId + "/certificates/" + leaf[0] + "/release",
                officer, Map.of()).statusCode());
        String good = run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-url", ocspUrl(leaf[1]),
                "-CAfile", rootPem.toString(), "-no_nonce");
        assertTrue(good.contains(leaf[1] + ": good"), good);

        // The issuing CA's own certificate (issued by the root): admins only, and never on hold.
        String caSerial = ((X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(issuerPem))).getSerialNumber().toString(16);
        String caPath = "/api/v1/cas/" + rootId + "/certificates/" + caSerial + "/revoke";
        assertEquals(403, server.postJson(caPath, officer, Map.of("reason", "superseded")).statusCode());
        HttpResponse<String> caHold = server.postJson(caPath, admin, Map.of("reason", "certificateHold"));
        assertEquals(422, caHold.statusCode());
        assertTrue(caHold.body().contains("certificateHold"), caHold.body());

        JsonNode audit = TestServer.json(server.get("/api/v1/audit?action=certificate.revoke&objectId="
                + issuingId + "/" + leaf[0], auditor));
        assertTrue(audit.toString().contains("certificateHold"), audit.toString());
    }

    @Test
    void openssl_verify_with_crl_check_and_a_delta_crl() throws Exception {
        String[] good = issue("crl-good");
        String[] bad = issue("crl-bad");
        server.server.services().revocations().publishCrlsNow(issuingId);
        server.server.services().revocations().publishCrlsNow(rootId);
        Path before = crlPem("before", "/crl/" + issuingId + ".crl");
        Path rootCrl = crlPem("root", "/crl/" + rootId + ".crl");
        assertEquals(200, revoke(bad[0], officer, Map.of("reason", "affiliationChanged",
                "invalidityDate", "2026-11-01T00:00:00Z")).statusCode());
        PublishedCrl full = server.server.services().revocations().publishCrlsNow(issuingId);
        Path after = crlPem("after", "/crl/" + issuingId + ".crl");
        Path delta = crlPem("delta", "/crl/delta/" + issuingId + ".crl");

        String text = run("openssl", "crl", "-in", after.toString(), "-noout", "-text");
        assertTrue(text.contains("X509v3 CRL Number: \n                " + full.number()), text);
        assertTrue(text.contains("Affiliation Changed"), text);
        assertTrue(text.contains("Invalidity Date"), text);
        assertTrue(text.contains("URI:" + server.base + "/crl/" + issuingId + ".crl"), text);
        assertTrue(text.contains("Freshest CRL"), text);
        String deltaText = run("openssl", "crl", "-in", delta.toString(), "-noout", "-text");
        assertTrue(deltaText.contains("Delta CRL Indicator: critical"), deltaText);

        String ok = run("openssl", "verify", "-crl_check", "-CAfile", chainPem.toString(), "-CRLfile", after.toString(), good[1]);
        assertTrue(ok.contains(good[1] + ": OK"), ok);
        String rejected = run("openssl", "verify", "-crl_check", "-CAfile", chainPem.toString(), "-CRLfile", after.toString(), bad[1]);
        assertTrue(rejected.contains("certificate revoked"), rejected);
        // The CRL from before the revocation does not know it; with the delta, the chain check does.
        String stale = run("openssl", "verify", "-crl_check_all", "-CAfile", chainPem.toString(), "-CRLfile", before.toString(),
                "-CRLfile", rootCrl.toString(), bad[1]);
        assertTrue(stale.contains(bad[1] + ": OK"), stale);
        String withDelta = run("openssl", "verify", "-crl_check_all", "-use_deltas", "-CAfile", chainPem.toString(),
                "-CRLfile", before.toString(), "-CRLfile", rootCrl.toString(), "-CRLfile", delta.toString(), bad[1]);
        assertTrue(withDelta.contains("certificate revoked"), withDelta);
        String goodAll = run("openssl", "verify", "-crl_check_all", "-use_deltas", "-CAfile", chainPem.toString(),
                "-CRLfile", before.toString(), "-CRLfile", rootCrl.toString(), "-CRLfile", delta.toString(), good[1]);
        assertTrue(goodAll.contains(good[1] + ": OK"), goodAll);
    }

    @Test
    void crls_are_served_with_caching_headers_and_as_pem_on_request() throws Exception {
        HttpResponse<byte[]> r = server.getBytes("/crl/" + issuingId + ".crl", null, "*/*");
        assertEquals(200, r.statusCode());
        assertEquals("application/pkix-crl", r.headers().firstValue("Content-Type").orElse(""));
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertTrue(r.headers().firstValue("Last-Modified").isPresent());
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").matches("public, max-age=\\d+"));
        HttpResponse<byte[]> again = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/crl/" + issuingId + ".crl"))
                .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(again.statusCode() == 304 || !again.headers().firstValue("ETag").orElse("").equals(etag));
        HttpResponse<byte[]> pem = server.getBytes("/crl/" + issuingId + ".crl", null, "application/x-pem-file");
        assertTrue(new String(pem.body(), StandardCharsets.US_ASCII).startsWith("-----BEGIN X509 CRL-----"));
        assertEquals(404, server.getBytes("/crl/no-such-ca.crl", null, "*/*").statusCode());
    }

    @Test
    void the_jdk_validator_checks_revocation_through_ocsp_and_separately_through_the_crl() throws Exception {
        String[] good = issue("jdk-good");
        String[] bad = issue("jdk-bad");
        assertEquals(200, revoke(bad[0], officer, Map.of("reason", "keyCompromise")).statusCode());
        server.server.services().revocations().publishCrlsNow(issuingId);
        server.server.services().revocations().publishCrlsNow(rootId);
        for (EnumSet<PKIXRevocationChecker.Option> options : List.of(
                EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK),
                EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK))) {
            validate(good[1], options);
            CertPathValidatorException e = assertThrows(CertPathValidatorException.class, () -> validate(bad[1], options));
            assertEquals(CertPathValidatorException.BasicReason.REVOKED, e.getReason(), options + ": " + e);
        }
    }

    private static void validate(String leafPem, EnumSet<PKIXRevocationChecker.Option> options) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate leaf = (X509Certificate) cf.generateCertificate(Files.newInputStream(Path.of(leafPem)));
        List<X509Certificate> chain = new ArrayList<>();
        cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(chainPem))).forEach(c -> chain.add((X509Certificate) c));
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(chain.subList(0, chain.size() - 1));
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(options);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain.get(chain.size() - 1), null)));
        params.addCertPathChecker(checker);
        validator.validate(cf.generateCertPath(path), params);
    }

    private static Path crlPem(String name, String path) throws Exception {
        HttpResponse<byte[]> r = server.getBytes(path, null, "application/x-pem-file");
        assertEquals(200, r.statusCode(), path);
        return Files.write(work.resolve(name + ".crl.pem"), r.body());
    }

    @Test
    void no_response_says_good_after_a_revoke_returns_even_with_responses_cached() throws Exception {
        String[] leaf = issue("race");
        Path req = work.resolve("race.req");
        run("openssl", "ocsp", "-issuer", issuerPem.toString(), "-cert", leaf[1], "-no_nonce", "-reqout", req.toString());
        byte[] request = Files.readAllBytes(req);
        byte[] first = post(request);
        assertArrayEquals(first, post(request), "a request without a nonce is answered from the cache");
        assertEquals(200, revoke(leaf[0], officer, Map.of("reason", "privilegeWithdrawn")).statusCode());
        byte[] after = post(request);
        assertFalse(java.util.Arrays.equals(first, after));
        Path resp = Files.write(work.resolve("race.resp"), after);
        String text = run("openssl", "ocsp", "-respin", resp.toString(), "-issuer", issuerPem.toString(), "-cert", leaf[1],
                "-CAfile", rootPem.toString());
        assertTrue(text.contains(leaf[1] + ": revoked"), text);
        assertNotNull(server.server.services().revocations().state(issuingId).responderSerial());
    }

    private static byte[] post(byte[] request) throws Exception {
        return server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/ocsp/" + issuingId))
                .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    /** Tiny JSON helper for string bodies. */
    private static final class Json {
        static JsonNode read(String body) throws Exception {
            return dev.signet.web.http.Json.MAPPER.readTree(body);
        }
    }
}
