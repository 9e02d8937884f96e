package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.TsaInfo;
import dev.signet.ca.TsaSettings;
import dev.signet.web.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA page shows the TSA it certified: its URL, policy, certificate and counters as they move. */
class UiTsaTest {

    @TempDir
    Path data;

    @Test
    void the_issuing_ca_page_shows_its_tsa_with_policy_certificate_and_counters() throws Exception {
        try (UiServer s = UiServer.start(data)) {
            TsaInfo tsa = s.server.services().timeStampAuthorities().get(TsaSettings.DEFAULT);
            String cookie = s.login("admin", s.adminPassword);
            HttpResponse<byte[]> bad = s.client.send(HttpRequest.newBuilder(URI.create(s.base + "/tsa"))
                    .header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bad.statusCode());
            HttpResponse<String> page = s.get("/ui/cas/" + tsa.caId(), cookie);
            assertEquals(200, page.statusCode());
            String html = page.body();
            assertTrue(html.contains("Time-stamp authorities"), html);
            assertTrue(html.contains(ConfigLoader.DEMO_TSA_POLICY), html);
            assertTrue(html.contains(s.base + "/tsa"), html);
            assertTrue(html.contains("CN=Signet Demo TSA"), html);
            assertTrue(html.contains("badDataFormat 1"), html);
        }
    }
}
