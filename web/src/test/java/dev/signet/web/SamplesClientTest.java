package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** samples/client/issue-and-verify.sh (curl + openssl) against a real server. */
class SamplesClientTest {

    @TempDir
    Path data;

    @TempDir
    Path out;

    @Test
    void the_sample_client_gets_a_certificate_issued_and_openssl_verifies_its_chain() throws Exception {
        Path script = Path.of("..", "samples", "client", "issue-and-verify.sh").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), script.toString());
        try (TestServer s = TestServer.start(data)) {
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "sample.example.net").redirectErrorStream(true);
            pb.environment().put("SIGNET_URL", s.base);
            pb.environment().put("SIGNET_TOKEN", s.token("officer"));
            pb.environment().put("OUT", out.toString());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script timed out");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("certificate.pem: OK"), output);
            assertTrue(output.contains("and verified its chain"), output);
            assertTrue(Files.readString(out.resolve("certificate.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
        }
    }
}
