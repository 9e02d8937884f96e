package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.SignetServer;
import dev.signet.web.TestCertificates;
import dev.signet.web.cli.CliRun.Result;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signet client ...} against a real server over HTTP: a key and CSR made locally (checked
 * by openssl), issue, fetch, list, renew, a PKCS#12 the JDK opens, and exit codes that tell a
 * refusal, a missing certificate and an absent server apart.
 */
class ClientCommandTest {

    @TempDir
    static Path dir;
    static SignetServer server;
    static String url;
    static Path officerToken;
    static Path auditorToken;
    static final String CA = "signet-demo-issuing-ca";

    @BeforeAll
    static void start() throws Exception {
        server = SignetServer.start(new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, dir.resolve("data"), 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        url = "http://127.0.0.1:" + server.port();
        officerToken = Files.writeString(dir.resolve("officer.token"),
                server.services().access().createToken("client", "officer", Set.of(), null, "test").secret() + "\n");
        auditorToken = Files.writeString(dir.resolve("auditor.token"),
                server.services().access().createToken("client-auditor", "auditor", Set.of(), null, "test").secret());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] client(Path token, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "client";
        all[1] = args[0];
        all[2] = "--url";
        all[3] = url;
        all[4] = "--token-file";
        all[5] = token.toString();
        System.arraycopy(args, 1, all, 6, args.length - 1);
        return all;
    }

    @Test
    void csr_makes_a_private_key_file_and_a_csr_that_openssl_verifies() throws Exception {
        Path key = dir.resolve("local.key");
        Path csr = dir.resolve("local.csr");
        Result r = run("client", "csr", "--subject", "CN=local.example.com", "--dns", "local.example.com", "--key-out", key.toString(),
                "--csr-out", csr.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(key));
        Process p = new ProcessBuilder("openssl", "req", "-in", csr.toString(), "-noout", "-verify", "-subject")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertTrue(out.contains("local.example.com"), out);
        // The key file is never overwritten.
        Result again = run("client", "csr", "--dns", "x.example.com", "--key-out", key.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("never overwritten"), again.err());
    }

    @Test
    void issue_from_a_csr_then_get_by_serial_with_colons_list_and_renew() throws Exception {
        Path key = dir.resolve("issue.key");
        Path csr = dir.resolve("issue.csr");
        assertEquals(0, run("client", "csr", "--dns", "issue.example.com", "--key-out", key.toString(), "--csr-out", csr.toString()).exit());
        Path chain = dir.resolve("issue-chain.pem");
        Result issued = run(client(officerToken, "issue", "--ca", CA, "--csr", csr.toString(), "--validity-days", "20",
                "--chain-out", chain.toString()));
        assertEquals(0, issued.exit(), issued.err());
        X509Certificate cert = TestCertificates.certificate(issued.out());
        String serial = cert.getSerialNumber().toString(16);
        assertTrue(cert.getSubjectAlternativeNames().toString().contains("issue.example.com"));
        assertEquals(3, CertificateFactory.getInstance("X.509").generateCertificates(Files.newInputStream(chain)).size(),
                "the full chain: certificate, issuing CA, root");

        String colons = String.join(":", serial.split("(?<=\\G..)"));
        Result got = run(client(auditorToken, "get", "--ca", CA, "--serial", colons));
        assertEquals(0, got.exit(), got.err());
        assertEquals(cert, TestCertificates.certificate(got.out()));

        Result list = run(client(auditorToken, "list", "--search", "issue.example.com"));
        assertEquals(0, list.exit(), list.err());
        List<String> lines = list.out().lines().toList();
        assertTrue(lines.get(0).startsWith("SERIAL "), list.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(serial + " ")), list.out());
        Result json = run(client(auditorToken, "list", "--serial", serial, "--json"));
        assertEquals(0, json.exit(), json.err());
        assertEquals(1, dev.signet.web.http.Json.MAPPER.readTree(json.out()).get("total").asInt(), json.out());

        Result renewed = run(client(officerToken, "renew", "--ca", CA, "--serial", serial, "--validity-days", "5"));
        assertEquals(0, renewed.exit(), renewed.err());
        X509Certificate next = TestCertificates.certificate(renewed.out());
        assertEquals(cert.getSubjectX500Principal(), next.getSubjectX500Principal());
        assertEquals(cert.getPublicKey(), next.getPublicKey());
        assertTrue(!next.getSerialNumber().equals(cert.getSerialNumber()));
    }

    @Test
    void issue_with_a_key_made_here_writes_key_and_a_pkcs12_the_jdk_opens() throws Exception {
        Path key = dir.resolve("made.key");
        Path p12 = dir.resolve("made.p12");
        Result r = CliRun.withInput("p12 password\n", client(officerToken, "issue", "--profile", "tls-server",
                "--key-out", key.toString(), "--dns", "made.example.com", "--p12", p12.toString(), "--p12-password-stdin"));
        assertEquals(0, r.exit(), r.err());
        X509Certificate cert = TestCertificates.certificate(r.out());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "p12 password".toCharArray());
        }
        Certificate[] chain = ks.getCertificateChain("signet");
        assertEquals(3, chain.length);
        assertEquals(cert, chain[0]);
        assertTrue(ks.getKey("signet", "p12 password".toCharArray()) != null);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(p12));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void exit_codes_tell_refusal_not_found_unavailable_and_usage_apart() throws Exception {
        Path csr = dir.resolve("codes.csr");
        assertEquals(0, run("client", "csr", "--dns", "codes.example.com", "--key-out", dir.resolve("codes.key").toString(),
                "--csr-out", csr.toString()).exit());
        Result forbidden = run(client(auditorToken, "issue", "--ca", CA, "--csr", csr.toString()));
        assertEquals(3, forbidden.exit(), forbidden.err());
        assertTrue(forbidden.err().contains("needs role officer"), forbidden.err());
        Result policy = run(client(officerToken, "issue", "--ca", CA, "--profile", "email", "--csr", csr.toString()));
        assertEquals(3, policy.exit(), policy.err());
        Result missing = run(client(auditorToken, "get", "--ca", CA, "--serial", "abcdef0123"));
        assertEquals(4, missing.exit(), missing.err());

        // A port bound but not listening: a connection to it is refused, and no other process can take
        // it meanwhile (a port merely found free could be).
        try (java.net.Socket bound = new java.net.Socket()) {
            bound.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            Result down = run("client", "list", "--url", "http://127.0.0.1:" + bound.getLocalPort(),
                    "--token-file", auditorToken.toString());
            assertEquals(5, down.exit(), down.err());
            assertTrue(down.err().contains("cannot connect"), down.err());
        }
        assertEquals(2, run("client", "get", "--url", url).exit(), "--ca and --serial are required");

        Result help = run("client", "issue", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("integrity failure"), help.out());
    }

    @Test
    void an_admin_re_keys_and_retires_a_tsa_from_the_command_line() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin.token"),
                server.services().access().createToken("client-admin", "admin", Set.of(), null, "test").secret());
        Result refused = run("client", "tsa", "rekey", "default", "--url", url, "--token-file", officerToken.toString());
        assertEquals(3, refused.exit(), "an officer may not: " + refused.err());
        Result rekeyed = run("client", "tsa", "rekey", "default", "--url", url, "--token-file", admin.toString());
        assertEquals(0, rekeyed.exit(), rekeyed.err());
        assertTrue(rekeyed.out().contains("re-keyed") && rekeyed.out().contains("destroyed"), rekeyed.out());
        assertEquals(1, server.services().timeStampAuthorities().get("default").previousCertificates().size());

        Result unsure = run("client", "tsa", "retire", "default", "--url", url, "--token-file", admin.toString());
        assertEquals(2, unsure.exit(), "retiring asks for --yes");
        assertEquals("active", server.services().timeStampAuthorities().get("default").status());
        Result retired = run("client", "tsa", "retire", "default", "--yes", "--url", url, "--token-file", admin.toString());
        assertEquals(0, retired.exit(), retired.err());
        assertEquals("retired", server.services().timeStampAuthorities().get("default").status());
        assertEquals(4, run("client", "tsa", "retire", "nope", "--yes", "--url", url, "--token-file", admin.toString()).exit());
    }
}
