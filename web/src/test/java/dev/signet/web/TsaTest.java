package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.signet.web.TestCertificates.certificate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TSA as stock clients see it: OpenSSL's {@code ts} command, the JDK's jarsigner, and Bouncy
 * Castle's own request generator and validator, against a real server over HTTP.
 */
class TsaTest {

    static final String NAMED_POLICY = "1.3.6.1.4.1.99999.3161.2";

    @TempDir
    static Path dir;
    static TestServer s;
    static Path w;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("signet.yaml");
        Files.writeString(config, "tsa:\n  authorities:\n    legal:\n      policy: " + NAMED_POLICY + "\n      accuracyMillis: 250\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignetServer server = SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        s = TestServer.of(server);
        w = Files.createDirectories(dir.resolve("work"));
        String auditor = s.token("auditor");
        JsonNode tsas = TestServer.json(s.get("/api/v1/tsas", auditor));
        JsonNode def = tsas.get(0);
        assertEquals("default", def.get("name").asText(), tsas.toString());
        List<String> chain = pemBlocks(def.get("chainPem").asText());
        // chain: TSA, issuing CA, root
        Files.writeString(w.resolve("tsa.pem"), chain.get(0));
        Files.writeString(w.resolve("chain.pem"), chain.get(1));
        Files.writeString(w.resolve("root.pem"), chain.get(chain.size() - 1));
        Files.writeString(w.resolve("data.txt"), "the document to stamp\n");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Created time-stamp authority 'default'"), out.toString());
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void openssl_verifies_a_sha256_token_with_nonce_and_certificates() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", "q.tsq");
        post("/tsa", "q.tsq", "r.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "r.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem");
        String text = run("openssl", "ts", "-reply", "-in", "r.tsr", "-text");
        assertTrue(text.contains("Status: Granted."), text);
        assertTrue(text.contains("Policy OID: " + ConfigLoader.DEMO_TSA_POLICY), text);
        assertTrue(text.contains("Ordering: no"), text);
        assertTrue(text.contains("Accuracy: 0x01 seconds, unspecified millis, unspecified micros")
                || text.contains("Accuracy: 1 seconds"), text);
        assertFalse(text.contains("Nonce: unspecified"), text);
    }

    @Test
    void openssl_verifies_a_token_without_nonce() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-no_nonce", "-out", "qn.tsq");
        post("/tsa", "qn.tsq", "rn.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "rn.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem");
        assertTrue(run("openssl", "ts", "-reply", "-in", "rn.tsr", "-text").contains("Nonce: unspecified"));
    }

    @Test
    void openssl_verifies_a_sha512_token() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha512", "-cert", "-out", "q512.tsq");
        post("/tsa", "q512.tsq", "r512.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "r512.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem");
        assertTrue(run("openssl", "ts", "-reply", "-in", "r512.tsr", "-text").contains("Hash Algorithm: sha512"));
    }

    @Test
    void openssl_verifies_a_token_requested_under_the_tsa_policy() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha384", "-cert", "-tspolicy", ConfigLoader.DEMO_TSA_POLICY,
                "-out", "qp.tsq");
        post("/tsa", "qp.tsq", "rp.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "rp.tsr", "-CAfile", "root.pem", "-untrusted", "chain.pem");
    }

    @Test
    void a_named_tsa_stamps_under_its_own_policy_and_accuracy() throws Exception {
        JsonNode legal = TestServer.json(s.get("/api/v1/tsas/legal", s.token("auditor")));
        assertEquals("/tsa/legal", legal.get("path").asText());
        List<String> chain = pemBlocks(legal.get("chainPem").asText());
        Files.writeString(w.resolve("legal-chain.pem"), chain.get(1));
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-tspolicy", NAMED_POLICY, "-out", "ql.tsq");
        post("/tsa/legal", "ql.tsq", "rl.tsr");
        run("openssl", "ts", "-verify", "-data", "data.txt", "-in", "rl.tsr", "-CAfile", "root.pem", "-untrusted",
                "legal-chain.pem");
        String text = run("openssl", "ts", "-reply", "-in", "rl.tsr", "-text");
        assertTrue(text.contains("Policy OID: " + NAMED_POLICY), text);
        assertTrue(text.contains("Accuracy: unspecified seconds, 0xFA millis"), text);
    }

    @Test
    void a_query_for_another_policy_is_rejected_as_unaccepted_policy() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha256", "-tspolicy", NAMED_POLICY, "-out", "qx.tsq");
        post("/tsa", "qx.tsq", "rx.tsr");
        String text = run("openssl", "ts", "-reply", "-in", "rx.tsr", "-text");
        assertTrue(text.contains("Status: Rejected") && text.contains("the requested TSA policy is not supported"), text);
    }

    @Test
    void a_sha1_query_is_rejected_as_bad_algorithm() throws Exception {
        run("openssl", "ts", "-query", "-data", "data.txt", "-sha1", "-out", "q1.tsq");
        post("/tsa", "q1.tsq", "r1.tsr");
        String text = run("openssl", "ts", "-reply", "-in", "r1.tsr", "-text");
        assertTrue(text.contains("Status: Rejected") && text.contains("unrecognized or unsupported algorithm identifier"), text);
    }

    @Test
    void malformed_queries_get_rejections_with_their_failure_never_a_server_error() throws Exception {
        assertRejected(send("/tsa", "application/timestamp-query", "not DER at all".getBytes(StandardCharsets.US_ASCII)),
                "badDataFormat");
        assertRejected(send("/tsa", "application/timestamp-query", new byte[0]), "badDataFormat");
        assertRejected(send("/tsa", "application/json", "{}".getBytes(StandardCharsets.US_ASCII)), "badRequest");
        assertRejected(send("/tsa", "application/timestamp-query", new byte[20_000]), "badRequest");
        // A SHA-256 OID with a 20-byte imprint.
        TimeStampRequest wrongLength = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, new byte[20]);
        assertRejected(send("/tsa", "application/timestamp-query", wrongLength.getEncoded()), "badDataFormat");
        HttpResponse<byte[]> unknown = send("/tsa/nosuch", "application/timestamp-query", wrongLength.getEncoded());
        assertEquals(404, unknown.statusCode());
    }

    @Test
    void bouncy_castle_validates_a_token_against_the_tsa_certificate() throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest("bc".getBytes(StandardCharsets.UTF_8));
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        BigInteger nonce = BigInteger.valueOf(0x5151_7e57L);
        TimeStampRequest request = g.generate(NISTObjectIdentifiers.id_sha256, imprint, nonce);
        HttpResponse<byte[]> r = send("/tsa", "application/timestamp-query", request.getEncoded());
        assertEquals(200, r.statusCode());
        assertEquals("application/timestamp-reply", r.headers().firstValue("Content-Type").orElse(""));
        TimeStampResponse response = new TimeStampResponse(r.body());
        response.validate(request);
        TimeStampToken token = response.getTimeStampToken();
        X509Certificate tsa = certificate(Files.readString(w.resolve("tsa.pem")));
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
        assertEquals(nonce, token.getTimeStampInfo().getNonce());
        assertArrayEquals(imprint, token.getTimeStampInfo().getMessageImprintDigest());
        assertEquals(new ASN1ObjectIdentifier(ConfigLoader.DEMO_TSA_POLICY), token.getTimeStampInfo().getPolicy());
        assertFalse(token.getTimeStampInfo().isOrdered());
        assertEquals(1, token.getTimeStampInfo().getGenTimeAccuracy().getSeconds());
        // RFC 5816: ESSCertIDv2, not the SHA-1 ESSCertID.
        AttributeTable signed = token.getSignedAttributes();
        assertNotNull(signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2));
        assertEquals(null, signed.get(PKCSObjectIdentifiers.id_aa_signingCertificate));
        SignerInformation signer = token.toCMSSignedData().getSignerInfos().getSigners().iterator().next();
        assertEquals("1.2.840.10045.4.3.2", signer.getEncryptionAlgOID()); // ecdsa-with-SHA256
        @SuppressWarnings("unchecked")
        java.util.Collection<X509CertificateHolder> certs = token.getCertificates().getMatches(null);
        assertTrue(certs.stream().anyMatch(c -> token.getSID().match(c)), "certReq honoured");

        // Without certReq the token carries no certificates.
        TimeStampRequest bare = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint);
        TimeStampToken bareToken = new TimeStampResponse(send("/tsa", "application/timestamp-query", bare.getEncoded()).body())
                .getTimeStampToken();
        assertTrue(bareToken.getCertificates().getMatches(null).isEmpty());
    }

    @Test
    void every_token_is_recorded_and_audited_with_a_serial_of_its_own() throws Exception {
        String auditor = s.token("auditor");
        long before = TestServer.json(s.get("/api/v1/tsas/default", auditor)).get("tokensIssued").asLong();
        Set<BigInteger> serials = new HashSet<>();
        List<BigInteger> list = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] imprint = MessageDigest.getInstance("SHA-256").digest(("doc " + i).getBytes(StandardCharsets.UTF_8));
            TimeStampRequest q = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint,
                    BigInteger.valueOf(i + 1));
            TimeStampToken t = new TimeStampResponse(send("/tsa", "application/timestamp-query", q.getEncoded()).body())
                    .getTimeStampToken();
            serials.add(t.getTimeStampInfo().getSerialNumber());
            list.add(t.getTimeStampInfo().getSerialNumber());
        }
        assertEquals(20, serials.size());
        JsonNode after = TestServer.json(s.get("/api/v1/tsas/default", auditor));
        assertTrue(after.get("tokensIssued").asLong() >= before + 20, after.toString());
        JsonNode audit = TestServer.json(s.get("/api/v1/audit?objectType=timestamp&objectId=default/"
                + list.get(7).toString(16), auditor));
        assertEquals(1, audit.get("total").asInt(), audit.toString());
        JsonNode entry = audit.get("items").get(0);
        assertEquals("timestamp.issue", entry.get("action").asText());
        assertTrue(entry.toString().contains(ConfigLoader.DEMO_TSA_POLICY), entry.toString());
    }

    @Test
    void jarsigner_timestamps_a_jar_and_names_signets_tsa_as_its_signer() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        Path jar = w.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("hello.txt"));
            out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        run(javaBin + "/keytool", "-genkeypair", "-keystore", "code.p12", "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "code", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Code Signer", "-validity", "30");
        run(javaBin + "/jarsigner", "-keystore", "code.p12", "-storepass", "changeit", "-tsa", s.base + "/tsa", "app.jar", "code");
        // Trust Signet's root (and the self-signed code signer), as a relying party would.
        run(javaBin + "/keytool", "-importcert", "-noprompt", "-keystore", "trust.p12", "-storetype", "PKCS12", "-storepass",
                "changeit", "-alias", "signet-root", "-file", "root.pem");
        run(javaBin + "/keytool", "-exportcert", "-rfc", "-keystore", "code.p12", "-storepass", "changeit", "-alias", "code",
                "-file", "code.pem");
        run(javaBin + "/keytool", "-importcert", "-noprompt", "-keystore", "trust.p12", "-storetype", "PKCS12", "-storepass",
                "changeit", "-alias", "code", "-file", "code.pem");
        String verified = run(javaBin + "/jarsigner", "-verify", "-verbose", "-keystore", "trust.p12", "-storepass", "changeit",
                "app.jar");
        String certs = run(javaBin + "/jarsigner", "-verify", "-verbose", "-certs", "-keystore", "trust.p12", "-storepass",
                "changeit", "app.jar");
        assertTrue(verified.contains("jar verified."), verified);
        assertTrue(verified.contains("Timestamped by \"O=Signet, CN=Signet Demo TSA\""), verified);
        assertTrue(certs.contains(">>> TSA") && !certs.contains("Invalid TSA certificate chain"), certs);
    }

    @Test
    void signets_own_signatures_get_tokens_in_process_or_from_an_external_tsa() throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest("a PAdES signature value".getBytes(StandardCharsets.UTF_8));
        X509Certificate tsa = certificate(Files.readString(w.resolve("tsa.pem")));
        // The built-in TSA, as Services wires it for the signing module (recorded and metered like the others).
        dev.signet.ca.TimeStamp builtIn = s.server.services().timeStamps().timestamp("SHA-256", imprint);
        TimeStampToken t1 = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(builtIn.token()));
        t1.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
        assertEquals(3, builtIn.chain().size());
        assertTrue(s.server.services().metrics().scrape().contains("signet_tsa_tokens_total"));
        // An external TSA over HTTP (here: this server's /tsa, as another Signet would be configured with tsa.external.url).
        dev.signet.ca.TimeStamp external = dev.signet.ca.TimeStampSource.external(URI.create(s.base + "/tsa"),
                java.time.Duration.ofSeconds(10)).timestamp("SHA-256", imprint);
        TimeStampToken t2 = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(external.token()));
        t2.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
        assertArrayEquals(imprint, t2.getTimeStampInfo().getMessageImprintDigest());
        assertArrayEquals(tsa.getEncoded(), external.chain().get(0), "the TSA's certificate first");
        // Answered by the fast path ahead of Javalin, and still in the HTTP metrics as Javalin would count it.
        // The timer exists from the start at zero: the count, not the line, shows the requests were counted.
        double counted = s.server.services().metrics().scrape().lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{") && l.contains("route=\"/tsa\"")
                        && l.contains("method=\"POST\"") && l.contains("status=\"200\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
        assertTrue(counted >= 1, "POST /tsa counted in http_server_requests, was " + counted);
        dev.signet.ca.CaException refused = org.junit.jupiter.api.Assertions.assertThrows(dev.signet.ca.CaException.class,
                () -> dev.signet.ca.TimeStampSource.external(URI.create(s.base + "/tsa/no-such-tsa"), java.time.Duration.ofSeconds(10))
                        .timestamp("SHA-256", imprint));
        assertEquals(dev.signet.ca.CaException.Kind.UNAVAILABLE, refused.kind());
    }

    private static void assertRejected(HttpResponse<byte[]> r, String failInfo) throws Exception {
        assertEquals(200, r.statusCode());
        assertEquals("application/timestamp-reply", r.headers().firstValue("Content-Type").orElse(""));
        TimeStampResponse response = new TimeStampResponse(r.body());
        assertEquals(2, response.getStatus(), "rejection");
        int bit = switch (failInfo) {
            case "badAlg" -> org.bouncycastle.asn1.cmp.PKIFailureInfo.badAlg;
            case "badRequest" -> org.bouncycastle.asn1.cmp.PKIFailureInfo.badRequest;
            case "badDataFormat" -> org.bouncycastle.asn1.cmp.PKIFailureInfo.badDataFormat;
            default -> throw new IllegalArgumentException(failInfo);
        };
        assertNotNull(response.getFailInfo(), failInfo);
        assertEquals(bit, response.getFailInfo().intValue(), failInfo);
    }

    private static HttpResponse<byte[]> send(String path, String contentType, byte[] body) throws Exception {
        return s.client.send(HttpRequest.newBuilder(URI.create(s.base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** What curl does in the recipe: the query file posted as is, the reply saved. */
    private static void post(String path, String query, String reply) throws Exception {
        HttpResponse<byte[]> r = send(path, "application/timestamp-query", Files.readAllBytes(w.resolve(query)));
        assertEquals(200, r.statusCode());
        Files.write(w.resolve(reply), r.body());
    }

    private static String run(String... cmd) throws Exception {
        return Commands.run(w, cmd);
    }

    static List<String> pemBlocks(String pem) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----").matcher(pem);
        while (m.find()) {
            out.add(m.group() + "\n");
        }
        return out;
    }
}
