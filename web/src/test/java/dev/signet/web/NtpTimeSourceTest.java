package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.function.Predicate;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tsa.timeSource: ntp} against a real SNTP server on 127.0.0.1 (UDP): the TSA stamps while
 * the server answers with the clock within the maximum offset, and answers {@code timeNotAvailable}
 * once the offset is too big or the server stops answering for the staleness window; each change is
 * audited and shown in the metrics.
 */
class NtpTimeSourceTest {

    @TempDir
    Path dir;

    @Test
    void the_tsa_gives_the_time_only_while_ntp_vouches_for_the_clock() throws Exception {
        try (SntpResponder ntp = new SntpResponder()) {
            // A loaded machine can delay one UDP answer past a short timeout: staleness needs several
            // missed polls in a row, so that only the silent server (below) makes one, never a slow answer
            // (a spurious unavailable/available pair would add two audit entries to the four expected).
            Path config = Files.writeString(dir.resolve("signet.yaml"), "tsa:\n  timeSource: ntp\n  ntp:\n"
                    + "    servers: 127.0.0.1:" + ntp.port() + "\n    maxOffsetMillis: 1000\n    pollMillis: 150\n"
                    + "    staleMillis: 3000\n    timeoutMillis: 1000\n");
            try (TestServer s = TestServer.of(SignetServer.start(new ConfigLoader(TestServer.ENV).load(config, dir.resolve("data"), 0),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))) {
                TimeStampResponse granted = until(s, r -> r.getStatus() == 0);
                assertEquals(0, granted.getStatus(), "granted once the NTP server answered");

                ntp.offsetMillis = 10_000; // the system clock is 10 s behind NTP time
                TimeStampResponse off = until(s, r -> r.getStatus() == 2);
                assertEquals(PKIFailureInfo.timeNotAvailable, off.getFailInfo().intValue());
                assertTrue(off.getStatusString().contains("off NTP time"), off.getStatusString());

                ntp.offsetMillis = 0;
                assertEquals(0, until(s, r -> r.getStatus() == 0).getStatus(), "back within the offset");

                ntp.answering = false;
                TimeStampResponse silent = until(s, r -> r.getStatus() == 2);
                assertEquals(PKIFailureInfo.timeNotAvailable, silent.getFailInfo().intValue());
                assertTrue(silent.getStatusString().contains("no NTP server answered"), silent.getStatusString());
                String auditor = s.token("auditor");
                JsonNode refusal = TestServer.json(s.get("/api/v1/tsas/default", auditor)).get("refusal");
                assertTrue(refusal.asText().contains("no NTP server answered"), refusal.toString());

                List<String> actions = new ArrayList<>();
                for (JsonNode e : TestServer.json(s.get("/api/v1/audit?action=tsa.time&limit=100", auditor)).get("items")) {
                    actions.add(e.get("action").asText());
                }
                // newest first: available, unavailable (offset), available, unavailable (silent)
                assertEquals(List.of("tsa.time.unavailable", "tsa.time.available", "tsa.time.unavailable", "tsa.time.available"),
                        actions);
                String metrics = s.get("/metrics", auditor).body();
                assertTrue(metrics.contains("signet_tsa_time_available 0.0"), metrics);
                assertTrue(metrics.contains("signet_tsa_time_transitions_total 4.0"), metrics);
            }
        }
    }

    /**
     * Queries the default TSA until a reply meets {@code wanted}, for at most 30 s (a loaded CI machine
     * is slow; the usual wait is one poll, or the staleness window); returns the last reply.
     */
    private static TimeStampResponse until(TestServer s, Predicate<TimeStampResponse> wanted) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        TimeStampResponse last;
        int i = 0;
        do {
            byte[] imprint = MessageDigest.getInstance("SHA-256").digest(("doc " + i++).getBytes(StandardCharsets.UTF_8));
            byte[] query = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint).getEncoded();
            HttpResponse<byte[]> r = s.client.send(HttpRequest.newBuilder(URI.create(s.base + "/tsa"))
                    .header("Content-Type", "application/timestamp-query").POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            last = new TimeStampResponse(r.body());
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return last;
    }
}
