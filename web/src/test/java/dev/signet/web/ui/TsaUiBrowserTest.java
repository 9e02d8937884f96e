package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.TsaInfo;
import dev.signet.ca.TsaSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The CA page's TSA buttons in headless Chromium: an admin re-keys the TSA and then retires it, each
 * after a confirmation page that says what will happen; the page then shows the earlier certificate
 * and that the TSA no longer stamps. An officer sees no buttons, and the confirmation page refuses it.
 */
class TsaUiBrowserTest {

    private static final Pattern OFFICER_PASSWORD = Pattern.compile("user:\\s+officer\\s.*\\R\\s+password: (\\S+)");

    @Test
    void an_admin_re_keys_and_retires_the_tsa_from_the_ca_page_after_confirming() throws Exception {
        Path data = Files.createTempDirectory("signet-tsa-ui");
        try (UiServer server = UiServer.start(data); Chromium browser = Chromium.start()) {
            Matcher m = OFFICER_PASSWORD.matcher(server.console);
            assertTrue(m.find(), server.console);
            String officerPassword = m.group(1);
            TsaInfo tsa = server.server.services().timeStampAuthorities().get(TsaSettings.DEFAULT);
            String caPage = server.base + "/ui/cas/" + tsa.caId();

            browser.login(server.base, "officer", officerPassword);
            browser.driver.get(caPage);
            assertTrue(browser.driver.findElements(By.id("tsa-rekey-default")).isEmpty(), "no re-key button for an officer");
            browser.driver.get(server.base + "/ui/tsas/default/rekey");
            assertTrue(browser.driver.getPageSource().contains("admin"), browser.driver.getPageSource());
            assertTrue(browser.driver.findElements(By.id("confirm")).isEmpty(), "no confirmation for an officer");

            browser.driver.get(server.base + "/ui/login");
            browser.driver.manage().deleteAllCookies();
            browser.login(server.base, "admin", server.adminPassword);
            browser.driver.get(caPage);
            browser.clickAndWaitForNextPage(By.id("tsa-rekey-default"));
            assertTrue(browser.driver.findElement(By.id("confirm-message")).getText().contains("destroyed"));
            browser.clickAndWaitForNextPage(By.id("confirm"));
            assertTrue(browser.driver.getPageSource().contains("The TSA was re-keyed"), browser.driver.getPageSource());
            String previous = browser.driver.findElement(By.cssSelector("#tsa-default .tsa-previous")).getText();
            String oldSerial = serial(tsa.certificatePem()).toString(16);
            assertTrue(previous.replace(":", "").toLowerCase().contains(oldSerial), previous + " vs " + oldSerial);
            assertEquals(0, stamp(server).getStatus(), "the re-keyed TSA stamps");

            browser.clickAndWaitForNextPage(By.id("tsa-retire-default"));
            assertTrue(browser.driver.findElement(By.id("confirm-message")).getText().contains("cannot be undone"));
            browser.clickAndWaitForNextPage(By.id("confirm"));
            assertTrue(browser.driver.getPageSource().contains("The TSA is retired"), browser.driver.getPageSource());
            assertTrue(browser.driver.findElement(By.cssSelector("#tsa-default .tsa-refusal")).getText().contains("retired"));
            assertTrue(browser.driver.findElements(By.id("tsa-retire-default")).isEmpty(), "no buttons on a retired TSA");
            TimeStampResponse refused = stamp(server);
            assertEquals(2, refused.getStatus(), "rejection");
        } finally {
            Chromium.deleteTree(data);
        }
    }

    private static java.math.BigInteger serial(String pem) throws Exception {
        return ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .getSerialNumber();
    }

    private static TimeStampResponse stamp(UiServer server) throws Exception {
        byte[] imprint = java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
        byte[] query = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint).getEncoded();
        HttpResponse<byte[]> r = server.client.send(HttpRequest.newBuilder(URI.create(server.base + "/tsa"))
                .header("Content-Type", "application/timestamp-query").POST(HttpRequest.BodyPublishers.ofByteArray(query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return new TimeStampResponse(r.body());
    }
}
