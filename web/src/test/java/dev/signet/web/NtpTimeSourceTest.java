package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.AuditEvent;
import dev.signet.web.config.ConfigLoader;
import dev.signet.web.config.SignetConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * audited and shown in the metrics. With several servers (each its own SNTP responder, the rounds
 * run by hand) a majority must agree, one falseticker is left out, and answers RFC 4330 says to
 * discard count as failures.
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

    @Test
    void one_falseticker_of_three_is_left_out_and_the_median_of_the_others_is_the_offset() throws Exception {
        try (SntpResponder wrong = new SntpResponder(); SntpResponder a = new SntpResponder(); SntpResponder b = new SntpResponder()) {
            wrong.offsetMillis = 300_000; // five minutes off; listed first, where the first answer used to win
            a.offsetMillis = 100;
            b.offsetMillis = 300;
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            List<AuditEvent> audited = new CopyOnWriteArrayList<>();
            NtpTimeSource source = source(List.of(wrong, a, b), 0, audited::add, metrics);

            source.poll();
            assertNull(source.unavailable(), "two of three agree, and their offset is within the maximum");
            double offset = metrics.get("signet.tsa.time.offset").gauge().value();
            assertTrue(Math.abs(offset - 200) <= 50, "the median of the agreeing two (the clock is 200 ms behind): " + offset);
            assertEquals(1.0, metrics.get("signet.tsa.time.disagreeing").gauge().value());
            double wrongOffset = metrics.get("signet.tsa.time.server.offset").tag("server", name(wrong)).gauge().value();
            assertTrue(Math.abs(wrongOffset - 300_000) <= 50, "the falseticker's own offset is shown: " + wrongOffset);
            assertEquals(1, audited.size());
            assertEquals("tsa.time.available", audited.get(0).action());
            String details = audited.get(0).detailsJson();
            assertTrue(details.contains("\"disagreeing\":\"" + name(wrong) + ": +2999")
                    || details.contains("\"disagreeing\":\"" + name(wrong) + ": +3000"), details);
            assertTrue(details.contains("\"agreeing\":\"" + name(a) + "," + name(b) + "\""), details);

            // a server that answers worse than the rest is still in the group while within the maximum offset
            wrong.offsetMillis = 900;
            source.poll();
            assertNull(source.unavailable());
            assertEquals(0.0, metrics.get("signet.tsa.time.disagreeing").gauge().value());
        }
    }

    @Test
    void two_of_three_disagreeing_make_the_time_unavailable_at_once() throws Exception {
        try (SntpResponder a = new SntpResponder(); SntpResponder b = new SntpResponder(); SntpResponder c = new SntpResponder()) {
            List<AuditEvent> audited = new CopyOnWriteArrayList<>();
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            NtpTimeSource source = source(List.of(a, b, c), 0, audited::add, metrics);
            source.poll();
            assertNull(source.unavailable());

            b.offsetMillis = 180_000;
            c.offsetMillis = -180_000;
            source.poll(); // one round, not after the staleness window: the answers contradict each other
            String reason = source.unavailable();
            assertTrue(reason != null && reason.contains("the NTP servers disagree: no 2 of the 3 agree within 1000 ms"), reason);
            assertTrue(reason.contains(name(b) + " +1799") || reason.contains(name(b) + " +1800"), reason);
            assertEquals("tsa.time.unavailable", audited.get(audited.size() - 1).action());
            assertTrue(audited.get(audited.size() - 1).detailsJson().contains("\"disagreeing\":\"" + name(a) + ": "),
                    audited.get(audited.size() - 1).detailsJson());
            assertEquals(3.0, metrics.get("signet.tsa.time.disagreeing").gauge().value(), "no server can be told right");

            // two that agree with each other outvote the third: then the clock is what is off
            c.offsetMillis = 180_000;
            source.poll();
            reason = source.unavailable();
            assertTrue(reason != null && reason.contains("off NTP time") && reason.contains("the median of " + name(b) + ", " + name(c)),
                    reason);

            b.offsetMillis = 0;
            c.offsetMillis = 0;
            source.poll();
            assertNull(source.unavailable(), "all agree again");
        }
    }

    @Test
    void too_few_answers_keep_the_last_agreement_only_until_it_is_stale() throws Exception {
        try (SntpResponder a = new SntpResponder(); SntpResponder b = new SntpResponder(); SntpResponder c = new SntpResponder()) {
            NtpTimeSource source = source(List.of(a, b, c), 0, e -> {}, new SimpleMeterRegistry());
            source.poll();
            assertNull(source.unavailable());
            long agreedAt = System.nanoTime();

            b.answering = false;
            c.answering = false;
            source.poll(); // one valid answer of the two needed: no evidence against the clock yet
            if (System.nanoTime() - agreedAt < 3_000_000_000L) {
                assertNull(source.unavailable(), "a round short of answers is not a disagreement");
            }
            Thread.sleep(Math.max(0, 3_100 - (System.nanoTime() - agreedAt) / 1_000_000));
            source.poll();
            String reason = source.unavailable();
            assertTrue(reason != null && reason.contains("no 2 of the 3 NTP servers agreed within the last 3000 ms")
                    && reason.contains(name(b) + ": Receive timed out") && reason.contains("answered: " + name(a)), reason);
        }
    }

    @Test
    void answers_an_sntp_client_must_discard_are_that_servers_failure() throws Exception {
        List<Consumer<SntpResponder>> spoil = List.of(
                r -> { r.stratum = 0; r.referenceId = "RATE"; },
                r -> r.leapIndicator = 3,
                r -> r.stratum = 16,
                r -> r.mode = 3,
                r -> r.zeroTransmit = true,
                r -> r.wrongOriginate = true,
                r -> r.fromElsewhere = true);
        List<String> said = List.of("kiss-o'-death RATE", "unsynchronised (leap indicator 3)", "unsynchronised (stratum 16)",
                "not a server answer (mode 3)", "no transmit time", "Originate time does not match",
                "Receive timed out"); // a connected socket does not read it
        for (int i = 0; i < spoil.size(); i++) {
            try (SntpResponder only = new SntpResponder()) {
                spoil.get(i).accept(only);
                NtpTimeSource source = source(List.of(only), 0, e -> {}, new SimpleMeterRegistry());
                source.poll();
                String reason = source.unavailable();
                assertTrue(reason != null && reason.contains("no NTP server answered") && reason.contains(said.get(i)), reason);
            }
        }
        // of three, one kiss-o'-death and one unsynchronised leave one valid answer: not a majority
        try (SntpResponder a = new SntpResponder(); SntpResponder kod = new SntpResponder(); SntpResponder unsynced = new SntpResponder()) {
            kod.stratum = 0;
            kod.referenceId = "DENY";
            unsynced.leapIndicator = 3;
            List<AuditEvent> audited = new CopyOnWriteArrayList<>();
            NtpTimeSource source = source(List.of(a, kod, unsynced), 0, audited::add, new SimpleMeterRegistry());
            source.poll();
            String reason = source.unavailable();
            assertTrue(reason != null && reason.contains("no 2 of the 3 NTP servers agreed") && reason.contains(name(kod)
                    + ": kiss-o'-death DENY") && reason.contains("answered: " + name(a)), reason);

            unsynced.leapIndicator = 0;
            source.poll();
            assertNull(source.unavailable(), "two valid answers agree");
            String details = audited.get(0).detailsJson();
            assertTrue(details.contains("\"failed\":\"" + name(kod) + ": kiss-o'-death DENY"), details);
        }
    }

    @Test
    void a_server_that_says_deny_is_not_asked_again_and_one_that_says_rate_is_asked_less_often() throws Exception {
        try (SntpResponder a = new SntpResponder(); SntpResponder deny = new SntpResponder(); SntpResponder rate = new SntpResponder()) {
            deny.stratum = 0;
            deny.referenceId = "DENY";
            rate.stratum = 0;
            rate.referenceId = "RATE";
            NtpTimeSource source = source(List.of(a, deny, rate), 1, e -> {}, new SimpleMeterRegistry());
            source.poll();
            assertEquals(1, deny.requests.get());
            assertEquals(1, rate.requests.get());
            assertNull(source.unavailable(), "one valid answer is enough here (minAgreeing 1)");

            source.poll();
            source.poll();
            assertEquals(1, deny.requests.get(), "DENY: not asked again");
            assertEquals(1, rate.requests.get(), "RATE: the next two rounds do not ask it");
            assertEquals(3, a.requests.get(), "the others are asked every round");
            source.poll();
            assertEquals(2, rate.requests.get(), "asked again in the fourth round");
            for (int i = 0; i < 4; i++) {
                source.poll();
            }
            assertEquals(2, rate.requests.get(), "a second RATE in a row: four rounds without it");
            rate.stratum = 1;
            rate.referenceId = "TEST";
            source.poll();
            source.poll();
            assertEquals(4, rate.requests.get(), "a good answer ends the back-off: asked every round again");
            assertEquals(1, deny.requests.get(), "DENY holds until a restart");

            // Once the others fall silent too, the refusal says why the denying server is not asked.
            a.answering = false;
            rate.answering = false;
            source.poll();
            String reason = null;
            for (int i = 0; i < 60 && (reason = source.unavailable()) == null; i++) { // stale after 3 s
                Thread.sleep(100);
                source.poll();
            }
            assertTrue(reason != null && reason.contains(name(deny) + ": kiss-o'-death DENY: not asked again"), reason);
        }
    }

    @Test
    void minimum_agreeing_can_be_lowered_but_two_equal_groups_never_give_the_time() throws Exception {
        try (SntpResponder a = new SntpResponder(); SntpResponder b = new SntpResponder()) {
            NtpTimeSource source = source(List.of(a, b), 1, e -> {}, new SimpleMeterRegistry());
            b.answering = false;
            source.poll();
            assertNull(source.unavailable(), "one of two is enough when configured so");
            b.answering = true;
            b.offsetMillis = 60_000;
            source.poll();
            String reason = source.unavailable();
            assertTrue(reason != null && reason.contains("2 different groups of 1"), reason);
        }
    }

    /** A time source over the responders, polled by hand: maximum offset 1 s, stale after 3 s. */
    private static NtpTimeSource source(List<SntpResponder> servers, int minAgreeing, Consumer<AuditEvent> audit,
            SimpleMeterRegistry metrics) {
        List<String> names = servers.stream().map(NtpTimeSourceTest::name).toList();
        return new NtpTimeSource(new SignetConfig.TimeSource(true, names, Duration.ofMillis(1000), Duration.ofMillis(150),
                Duration.ofMillis(3000), Duration.ofMillis(1000), minAgreeing > 0 ? minAgreeing : names.size() / 2 + 1),
                audit, metrics);
    }

    private static String name(SntpResponder server) {
        return "127.0.0.1:" + server.port();
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
