package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.cli.CliRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/validate/pdf} and {@code signet validate} on a PDF signed (with PDFBox and
 * Bouncy Castle, outside Signet) by a certificate that a Signet CA issued: the chain ends at Signet's
 * CA without any configuration; any role may validate; bad input gets 4xx or "cannot be validated".
 */
class ValidateApiTest {
    /** A small limit, so that an over-limit upload is cheap to send. */
    static final long LIMIT = 300_000;
    @TempDir
    static Path data;
    @TempDir
    static Path tmp;
    static TestServer server;
    static byte[] signedPdf;
    static String caChainPem;

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.writeString(tmp.resolve("signet.yaml"), "limits:\n  maxValidationBytes: " + LIMIT + "\n");
        server = TestServer.of(SignetServer.start(new dev.signet.web.config.ConfigLoader(TestServer.ENV).load(config, data, 0),
                new java.io.PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        String officer = server.token("officer");
        JsonNode cas = TestServer.json(server.get("/api/v1/cas", officer));
        JsonNode ca = cas.get(cas.size() - 1);
        caChainPem = ca.get("chainPem").asText();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=Validation Test Signer"), kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        String csrPem = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(csr.getEncoded()) + "\n-----END CERTIFICATE REQUEST-----\n";
        HttpResponse<String> issued = server.postJson("/api/v1/cas/" + ca.get("id").asText() + "/certificates", officer,
                Map.of("profile", "document-signer", "csr", csrPem));
        assertEquals(201, issued.statusCode(), issued.body());
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(TestServer.json(issued).get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)));
        signedPdf = sign(kp, cert);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] sign(KeyPair kp, X509Certificate cert) throws Exception {
        byte[] unsigned;
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage());
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            doc.save(o);
            unsigned = o.toByteArray();
        }
        try (PDDocument doc = Loader.loadPDF(unsigned)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            sig.setSignDate(Calendar.getInstance());
            doc.addSignature(sig, content -> {
                try {
                    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
                    gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()), cert));
                    gen.addCertificates(new JcaCertStore(List.of(cert)));
                    return gen.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded();
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            return out.toByteArray();
        }
    }

    HttpResponse<String> postPdf(String token, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/validate/pdf"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return server.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void every_role_validates_and_the_chain_ends_at_the_signet_ca_with_no_configuration() throws Exception {
        for (String role : List.of("admin", "officer", "signer", "auditor")) {
            HttpResponse<String> r = postPdf(server.token(role), "application/pdf", signedPdf);
            assertEquals(200, r.statusCode(), role + ": " + r.body());
            JsonNode s = TestServer.json(r).get("signatures").get(0);
            assertEquals("signature", s.get("kind").asText());
            assertEquals("CN=Validation Test Signer", s.get("signedBy").asText());
            assertTrue(s.get("coversWholeDocument").asBoolean());
            assertEquals("none", s.get("changesAfterSigning").asText());
            assertTrue(s.has("level") && s.get("level").isNull(), "adbe.pkcs7.detached reaches no PAdES level");
            assertTrue(s.has("subIndication"));
            assertNotEquals("NO_CERTIFICATE_CHAIN_FOUND", s.get("subIndication").asText(), s.toString());
            assertFalse(s.get("chain").isEmpty(), s.toString());
            // no revocation data in the file: the server asks Signet's own responder, in-process
            assertEquals("TOTAL_PASSED", s.get("indication").asText(), s.toString());
            JsonNode rev = s.get("revocation").get(0);
            assertEquals("CN=Validation Test Signer", rev.get("certificate").asText());
            assertEquals("good", rev.get("status").asText(), s.toString());
            assertEquals("signet", rev.get("origin").asText());
            assertEquals("OCSP", rev.get("kind").asText());
        }
    }

    @Test
    void without_a_token_validation_is_refused() throws Exception {
        assertEquals(401, postPdf(null, "application/pdf", signedPdf).statusCode());
    }

    @Test
    void garbage_gets_a_report_that_says_it_cannot_be_validated() throws Exception {
        HttpResponse<String> r = postPdf(server.token("auditor"), "application/pdf", "%PDF-1.7 not really".getBytes());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode report = TestServer.json(r);
        assertFalse(report.get("validatable").asBoolean());
        assertTrue(report.get("problem").asText().startsWith("cannot be validated"));
        assertEquals(0, report.get("signatures").size());
    }

    @Test
    void another_content_type_is_415() throws Exception {
        HttpResponse<String> json = postPdf(server.token("auditor"), "application/json", "{}".getBytes());
        assertEquals(415, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void an_upload_over_the_configured_limit_is_413_problem_json_and_leaves_no_file() throws Exception {
        assertEquals(LIMIT, server.server.services().pdfValidation().maxDocumentBytes(), "limits.maxValidationBytes is read");
        Path work = server.server.services().signingWorkDir();
        byte[] big = new byte[(int) LIMIT + 1];
        System.arraycopy(signedPdf, 0, big, 0, Math.min(signedPdf.length, big.length));
        // with a Content-Length (refused before the body is read) ...
        HttpResponse<String> declared = postPdf(server.token("auditor"), "application/pdf", big);
        // ... and chunked, with no length up front (refused while streaming, the partial file deleted)
        HttpRequest chunkedRequest = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/validate/pdf"))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + server.token("auditor"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> chunked = server.client.send(chunkedRequest, HttpResponse.BodyHandlers.ofString());
        for (HttpResponse<String> r : List.of(declared, chunked)) {
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.headers().toString());
            JsonNode problem = TestServer.json(r);
            assertEquals(413, problem.get("status").asInt());
            assertTrue(problem.get("detail").asText().contains("limits.maxValidationBytes"), r.body());
        }
        try (var files = Files.list(work)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("signet-validate-")).toList());
        }
        // just under the limit is validated as usual
        assertEquals(200, postPdf(server.token("auditor"), "application/pdf", signedPdf).statusCode());
    }

    @Test
    void the_command_line_validates_a_local_file_against_a_given_trust_anchor_without_a_server() throws Exception {
        Path pdf = Files.write(data.resolve("signed.pdf"), signedPdf);
        Path anchor = Files.writeString(data.resolve("anchors.pem"), caChainPem);
        CliRun.Result r = CliRun.run("validate", pdf.toString(), "--trust-anchor", anchor.toString());
        assertTrue(r.out().contains("signed by: CN=Validation Test Signer"), r.out() + r.err());
        assertTrue(r.out().contains("chain: CN=Validation Test Signer"), r.out());
        // offline there is no Signet responder to ask: only the file's data, and this file has none
        assertTrue(r.out().contains("revocation: CN=Validation Test Signer: none (no revocation data in the file)"), r.out());
        assertEquals(3, r.exit(), "INDETERMINATE (no revocation data) is not a pass");
        CliRun.Result json = CliRun.run("validate", pdf.toString(), "--trust-anchor", anchor.toString(), "--json");
        assertTrue(json.out().contains("\"changesAfterSigning\" : \"none\""), json.out());
        CliRun.Result none = CliRun.run("validate", pdf.toString());
        assertTrue(none.out().contains("NO_CERTIFICATE_CHAIN_FOUND"), none.out());
    }
}
