package dev.signet.web.cli;

import static dev.signet.web.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.SignetServer;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code revoke} and {@code release} on the command line, beside a running server: the server's
 * OCSP responder (a cache another process wrote behind) says "revoked" within its poll interval.
 */
class RevokeCommandTest {

    @TempDir
    Path dir;

    @Test
    void revoke_beside_a_running_server_reaches_its_ocsp_cache_and_release_undoes_a_hold() throws Exception {
        Path data = dir.resolve("data");
        try (SignetServer server = SignetServer.start(
                new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, data, 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String ca = "signet-demo-issuing-ca";
            Path csr = dir.resolve("req.csr");
            Process p = new ProcessBuilder("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-subj", "/CN=cli-revoke.example.com",
                    "-addext", "subjectAltName=DNS:cli-revoke.example.com", "-out", csr.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0);
            String serial = server.services().authorities().issue(ca, "tls-server", java.nio.file.Files.readAllBytes(csr), "test")
                    .serial();
            assertTrue(status(server, ca, serial) == null, "good before");

            CliRun.Result bad = run("revoke", "--data", data.toString(), "--ca", ca, "--serial", serial, "--reason", "nonsense");
            assertEquals(3, bad.exit(), "a refusal");
            assertTrue(bad.err().contains("nonsense"), bad.err());
            CliRun.Result r = run("revoke", "--data", data.toString(), "--ca", ca, "--serial", serial,
                    "--reason", "certificateHold", "--invalidity-date", "2026-11-30T10:00:00Z");
            assertEquals(0, r.exit(), r.err());
            // The server polls every revocation.pollMillis (1 s); 10 s leaves room for a loaded CI machine.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (status(server, ca, serial) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            RevokedStatus revoked = status(server, ca, serial);
            assertTrue(revoked != null, "revoked within the poll interval");
            assertEquals(6, revoked.getRevocationReason());
            assertEquals(3, run("revoke", "--data", data.toString(), "--ca", ca, "--serial", serial, "--reason", "superseded").exit());

            assertEquals(0, run("release", "--data", data.toString(), "--ca", ca, "--serial", serial).exit());
            deadline = System.nanoTime() + 10_000_000_000L;
            while (status(server, ca, serial) != null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(status(server, ca, serial) == null, "good again after the release");
        }
    }

    /** The revoked status the server's OCSP responder gives, or null for good. */
    private static RevokedStatus status(SignetServer server, String ca, String serial) throws Exception {
        byte[] der = server.services().revocations().ocspResponse(ca, serial);
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(der).getResponseObject();
        assertEquals(new BigInteger(serial, 16), basic.getResponses()[0].getCertID().getSerialNumber());
        return basic.getResponses()[0].getCertStatus() instanceof RevokedStatus rs ? rs : null;
    }
}
