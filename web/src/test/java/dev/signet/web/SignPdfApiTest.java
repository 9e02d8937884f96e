package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.AuditEntry;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/sign/pdf} on a real server: a signer identity's key in the HSM, the signed
 * file checked by pdfsig against Signet's root, the audit entry, the grants, and refused input.
 */
class SignPdfApiTest {

    @TempDir
    static Path data;
    @TempDir
    static Path tmp;

    static TestServer server;
    static String identity;
    static String signer;
    static String rootPem;

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.writeString(tmp.resolve("signet.yaml"), "limits:\n  maxDocumentBytes: 200000\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server = TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, data, 0),
                new PrintStream(out, true, StandardCharsets.UTF_8)));
        String officer = server.token("officer");
        JsonNode cas = TestServer.json(server.get("/api/v1/cas", officer));
        String issuing = null;
        for (JsonNode ca : cas) {
            if (ca.get("parentId") == null || ca.get("parentId").isNull()) {
                rootPem = ca.get("certificatePem").asText();
            } else {
                issuing = ca.get("id").asText();
            }
        }
        HttpResponse<String> created = server.postJson("/api/v1/identities", officer, Map.of("caId", issuing,
                "profile", "document-signer", "subject", "CN=Api Signer", "keyAlgorithm", "EC_P256"));
        assertEquals(201, created.statusCode(), created.body());
        identity = TestServer.json(created).get("id").asText();
        signer = server.server.services().access().createToken("api signer", "signer", Set.of(identity), null, "test").secret();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] onePagePdf() {
        // A minimal hand-written PDF, as the contract check sends.
        String[] objs = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"};
        StringBuilder sb = new StringBuilder("%PDF-1.7\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objs.length; i++) {
            offsets.add(sb.length());
            sb.append(i + 1).append(" 0 obj\n").append(objs[i]).append("\nendobj\n");
        }
        int xref = sb.length();
        sb.append("xref\n0 4\n0000000000 65535 f \n");
        for (int o : offsets) {
            sb.append(String.format("%010d 00000 n \n", o));
        }
        sb.append("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static HttpResponse<byte[]> sign(String query, String token, String type, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/sign/pdf" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return server.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String pdfsig(Path pdf) throws Exception {
        Path nss = Files.createTempDirectory(tmp, "nss");
        Path root = Files.writeString(nss.resolve("root.pem"), rootPem);
        run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "CT,C,C", "-i", root.toString());
        return run("pdfsig", "-nssdir", "sql:" + nss, pdf.toString());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void assertChainValidToRoot(Path signed) throws Exception {
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(signed.toFile())) {
            byte[] contents = doc.getLastSignatureDictionary().getContents();
            var cms = new org.bouncycastle.cms.CMSSignedData(org.bouncycastle.asn1.cms.ContentInfo.getInstance(
                    new org.bouncycastle.asn1.ASN1InputStream(contents).readObject()));
            var conv = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter();
            var signerId = cms.getSignerInfos().getSigners().iterator().next().getSID();
            var leaf = conv.getCertificate((org.bouncycastle.cert.X509CertificateHolder) cms.getCertificates().getMatches(signerId).iterator().next());
            List<java.security.cert.X509Certificate> path = new ArrayList<>(List.of(leaf));
            java.security.cert.X509Certificate root = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII)));
            for (var h : cms.getCertificates().getMatches(null)) {
                var c = conv.getCertificate(h);
                if (!c.equals(leaf) && !c.equals(root)) {
                    path.add(c);
                }
            }
            var params = new java.security.cert.PKIXParameters(Set.of(new java.security.cert.TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            java.security.cert.CertPathValidator.getInstance("PKIX").validate(
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        }
    }

    private static void assertNoTemporaryFilesLeft() throws Exception {
        try (Stream<Path> files = Files.list(server.server.services().signingWorkDir())) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void a_granted_signer_gets_back_a_pdf_that_pdfsig_finds_valid_and_trusted_and_the_signature_is_audited() throws Exception {
        byte[] pdf = onePagePdf();
        HttpResponse<byte[]> r = sign("?identity=" + identity + "&level=B-B&reason=Agreed&visibleRect=20,20,150,40", signer, "application/pdf", pdf);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/pdf", r.headers().firstValue("Content-Type").orElse(""));
        Path signed = Files.write(tmp.resolve("signed.pdf"), r.body());
        // pdfsig checks the signature; it cannot call the certificate trusted until the OCSP responder
        // named in the certificate's AIA answers (the revocation issue), so the JDK's PKIX validator
        // checks the chain the CMS carries against Signet's root meanwhile.
        String report = pdfsig(signed);
        assertTrue(report.contains("Signature is Valid.") && report.contains("Total document signed")
                && report.contains("ETSI.CAdES.detached") && report.contains("CN=Api Signer"), report);
        assertChainValidToRoot(signed);

        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf));
        AuditEntry entry = server.server.services().auditLog().list(0, 50).items().stream()
                .filter(e -> e.action().equals("document.signed")).findFirst().orElseThrow();
        JsonNode details = dev.signet.web.http.Json.MAPPER.readTree(entry.details());
        assertEquals(identity, entry.objectId());
        assertEquals(sha256, details.get("documentSha256").asText());
        assertEquals("B-B", details.get("level").asText());
        assertTrue(details.get("requester").asText().contains("api signer"), details.toString());
        assertNoTemporaryFilesLeft();
    }

    @Test
    void the_sign_pdf_command_signs_through_the_api_and_reports_a_refusal_in_one_line() throws Exception {
        Path in = Files.write(tmp.resolve("cli-in.pdf"), onePagePdf());
        Path out = tmp.resolve("cli-out.pdf");
        var ok = dev.signet.web.cli.CliRun.run("sign", "pdf", "--url", server.base, "--token", signer,
                "--identity", identity, "--level", "B-B", in.toString(), "-o", out.toString());
        assertEquals(0, ok.exit(), ok.err());
        String report = pdfsig(out);
        assertTrue(report.contains("Signature is Valid."), report);

        Path notPdf = Files.writeString(tmp.resolve("cli-in.txt"), "not a pdf");
        Path out2 = tmp.resolve("cli-out2.pdf");
        var refused = dev.signet.web.cli.CliRun.run("sign", "pdf", "--url", server.base, "--token", signer,
                "--identity", identity, notPdf.toString(), "-o", out2.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("415") && refused.err().contains("not a PDF"), refused.err());
        assertTrue(!Files.exists(out2));
    }

    @Test
    void the_sign_pdf_command_sends_a_visible_signature_with_an_image() throws Exception {
        Path in = Files.write(tmp.resolve("cli-image-in.pdf"), onePagePdf());
        Path png = Files.write(tmp.resolve("cli-logo.png"), image("png", 40, 20));
        Path out = tmp.resolve("cli-image-out.pdf");
        var ok = dev.signet.web.cli.CliRun.run("sign", "pdf", "--url", server.base, "--token", signer, "--identity", identity,
                "--visible", "10,10,150,50", "--image", png.toString(), in.toString(), "-o", out.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(pdfsig(out).contains("Signature is Valid."));
        try (var doc = org.apache.pdfbox.Loader.loadPDF(out.toFile())) {
            var ap = doc.getSignatureFields().get(0).getWidgets().get(0).getAppearance().getNormalAppearance().getAppearanceStream();
            int images = 0;
            for (var name : ap.getResources().getXObjectNames()) {
                images += ap.getResources().isImageXObject(name) ? 1 : 0;
            }
            assertEquals(1, images);
        }
        var refused = dev.signet.web.cli.CliRun.run("sign", "pdf", "--url", server.base, "--token", signer, "--identity", identity,
                "--image", png.toString(), in.toString(), "-o", tmp.resolve("cli-no-rect.pdf").toString());
        assertTrue(refused.exit() != 0 && refused.err().contains("--visible"), refused.err());
    }

    @Test
    void a_signer_may_not_use_an_identity_it_was_not_granted() throws Exception {
        String other = server.server.services().access().createToken("other", "signer", Set.of(), null, "test").secret();
        HttpResponse<byte[]> r = sign("?identity=" + identity, other, "application/pdf", onePagePdf());
        assertEquals(403, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    @Test
    void bad_input_gets_a_clear_problem_and_nothing_is_audited_as_signed() throws Exception {
        long signedBefore = signedCount();
        byte[] pdf = onePagePdf();
        record Case(String name, String query, String type, byte[] body, int status, String code) {}
        List<Case> cases = List.of(
                new Case("not a PDF", "?identity=" + identity, "application/pdf", "hello".getBytes(), 415, "not-a-pdf"),
                new Case("damaged", "?identity=" + identity, "application/pdf",
                        java.util.Arrays.copyOf(pdf, pdf.length / 2), 400, "damaged-pdf"),
                new Case("wrong media type", "?identity=" + identity, "text/plain", pdf, 415, null),
                new Case("unknown level", "?identity=" + identity + "&level=B-X", "application/pdf", pdf, 400, null),
                new Case("too large", "?identity=" + identity, "application/pdf", new byte[300_000], 413, null));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<byte[]> r = sign(c.query(), signer, c.type(), c.body());
            String body = new String(r.body(), StandardCharsets.UTF_8);
            if (r.statusCode() != c.status() || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    || (c.code() != null && !body.contains("\"" + c.code() + "\""))) {
                failures.add(c.name() + ": " + r.statusCode() + " " + body);
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(signedBefore, signedCount());
        assertNoTemporaryFilesLeft();
    }

    @Test
    void a_detached_cades_signature_over_any_file_verifies_with_openssl() throws Exception {
        byte[] content = "<invoice>42</invoice>".getBytes(StandardCharsets.UTF_8);
        for (String level : List.of("B-B", "B-LT")) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/sign/cades?identity=" + identity + "&level=" + level))
                    .header("Content-Type", "application/xml").header("Authorization", "Bearer " + signer)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build();
            HttpResponse<byte[]> r = server.client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            Path file = Files.write(tmp.resolve("invoice.xml"), content);
            Path p7s = Files.write(tmp.resolve("invoice.p7s"), r.body());
            Path root = Files.writeString(tmp.resolve("cades-root.pem"), rootPem);
            String out = run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.toString(), "-content",
                    file.toString(), "-CAfile", root.toString(), "-purpose", "any", "-out", "/dev/null");
            assertTrue(out.contains("Verification successful"), level + ": " + out);
            if (level.equals("B-LT")) {
                // Signet's own OCSP responses or CRLs for the signer's chain are in the SignedData.
                var cms = new org.bouncycastle.cms.CMSSignedData(r.body());
                int revocation = cms.getCRLs().getMatches(null).size() + cms.getOtherRevocationInfo(
                        org.bouncycastle.asn1.cms.CMSObjectIdentifiers.id_ri_ocsp_response).getMatches(null).size();
                assertTrue(revocation >= 1, "no revocation values at B-LT");
            }
        }
        assertNoTemporaryFilesLeft();
    }

    @Test
    void b_lta_from_the_servers_own_tsa_and_revocation_data_passes_validation() throws Exception {
        HttpResponse<byte[]> r = sign("?identity=" + identity + "&level=B-LTA", signer, "application/pdf", onePagePdf());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        HttpRequest validate = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/validate/pdf"))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + signer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(r.body())).build();
        HttpResponse<String> report = server.client.send(validate, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, report.statusCode(), report.body());
        assertTrue(report.body().contains("\"level\":\"PAdES-BASELINE-LTA\""), report.body());
        assertTrue(!report.body().contains("TOTAL_FAILED") && !report.body().contains("INDETERMINATE"), report.body());
        assertChainValidToRoot(Files.write(tmp.resolve("lta.pdf"), r.body()));
    }

    @Test
    void extending_a_pdf_that_has_no_signature_is_refused() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/extend/pdf?level=B-LTA"))
                .header("Content-Type", "application/pdf").header("Authorization", "Bearer " + signer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(onePagePdf())).build();
        HttpResponse<String> r = server.client.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("no signature to extend"), r.body());
        assertNoTemporaryFilesLeft();
    }

    private static long signedCount() {
        return server.server.services().auditLog().list(0, 1000).items().stream()
                .filter(e -> e.action().equals("document.signed")).count();
    }

    /** A multipart/form-data body of the given parts (name -> bytes), each sent as a file. */
    private static HttpResponse<byte[]> signMultipart(String query, Map<String, byte[]> parts, String acceptEncoding) throws Exception {
        String boundary = "signet-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (var p : parts.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.getKey() + "\"; filename=\""
                    + p.getKey() + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(p.getValue());
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/sign/pdf" + query))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + signer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return server.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] image(String format, int width, int height) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            img.setRGB(x, height / 2, 0x1f5fbf);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    @Test
    void a_visible_signature_shows_a_png_or_jpeg_sent_as_a_multipart_part_and_comes_back_with_its_true_length() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String format : List.of("png", "jpeg")) {
            HttpResponse<byte[]> r = signMultipart("?identity=" + identity + "&level=B-B&visibleRect=10,10,150,50",
                    new java.util.LinkedHashMap<>(Map.of("pdf", onePagePdf(), "image", image(format, 60, 30))), "gzip, deflate, br");
            if (r.statusCode() != 200) {
                failures.add(format + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                continue;
            }
            // A browser-like Accept-Encoding: the PDF is not compressed, so the Content-Length is the body's.
            assertEquals(Long.toString(r.body().length), r.headers().firstValue("Content-Length").orElse(""));
            assertTrue(r.headers().firstValue("Content-Encoding").isEmpty());
            Path signed = Files.write(tmp.resolve("image-" + format + ".pdf"), r.body());
            String report = pdfsig(signed);
            if (!report.contains("Signature is Valid.")) {
                failures.add(format + ": pdfsig " + report);
            }
            try (var doc = org.apache.pdfbox.Loader.loadPDF(signed.toFile())) {
                var ap = doc.getSignatureFields().get(0).getWidgets().get(0).getAppearance().getNormalAppearance().getAppearanceStream();
                int images = 0;
                for (var name : ap.getResources().getXObjectNames()) {
                    images += ap.getResources().isImageXObject(name) ? 1 : 0;
                }
                if (images != 1) {
                    failures.add(format + ": " + images + " images in the appearance");
                }
            }
        }
        assertEquals(List.of(), failures);
        assertNoTemporaryFilesLeft();
    }

    @Test
    void an_image_that_is_not_png_or_jpeg_too_large_or_without_a_rectangle_is_refused_with_a_problem() throws Exception {
        long signedBefore = signedCount();
        byte[] oversized = new byte[dev.signet.signing.VisibleSignature.MAX_IMAGE_BYTES + 1];
        System.arraycopy(image("png", 4, 4), 0, oversized, 0, 8);
        record Case(String name, String query, Map<String, byte[]> parts, int status) {}
        String visible = "?identity=" + identity + "&visibleRect=10,10,150,50";
        List<Case> cases = List.of(
                new Case("gif", visible, Map.of("pdf", onePagePdf(), "image", image("gif", 10, 10)), 400),
                new Case("text", visible, Map.of("pdf", onePagePdf(), "image", "<svg/>".getBytes()), 400),
                new Case("over 512 KiB", visible, Map.of("pdf", onePagePdf(), "image", oversized), 413),
                new Case("larger than 2000 px", visible, Map.of("pdf", onePagePdf(), "image", image("png", 2100, 10)), 400),
                new Case("no rectangle", "?identity=" + identity, Map.of("pdf", onePagePdf(), "image", image("png", 10, 10)), 400),
                new Case("no pdf part", visible, Map.of("image", image("png", 10, 10)), 400));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<byte[]> r = signMultipart(c.query(), c.parts(), null);
            if (r.statusCode() != c.status() || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                failures.add(c.name() + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(signedBefore, signedCount());
        assertNoTemporaryFilesLeft();
    }
}
