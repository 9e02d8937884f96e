package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's, driven by Selenium) against a real server:
 * a person logs in, issues a certificate from a CSR, finds it, downloads it; refusals look right.
 * Screenshots of the main pages go to target/screenshots. Chromium is required: without it these
 * tests fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest {

    static final String OFFICER = "olivia";
    static final String OFFICER_PASSWORD = "officer password 1";

    Path data;
    Path downloads;
    UiServer server;
    Chromium browser;
    ChromeDriver driver;

    @BeforeAll
    void start() throws IOException {
        data = Files.createTempDirectory("signet-ui-data");
        server = UiServer.start(data);
        try {
            browser = Chromium.start();
            driver = browser.driver;
            downloads = browser.downloads;
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (server != null) {
                    server.close();
                }
            } finally {
                Chromium.deleteTree(data);
            }
        }
    }

    @BeforeEach
    void loggedOut() {
        driver.get(server.base + "/ui/login");
        driver.manage().deleteAllCookies();
    }

    @Test
    void officer_issues_a_certificate_from_a_csr_finds_it_and_downloads_it() throws Exception {
        ensureOfficer();
        login(OFFICER, OFFICER_PASSWORD);
        assertEquals("Dashboard", driver.findElement(By.tagName("h1")).getText());
        screenshot("dashboard");

        clickAndWaitForNextPage(By.linkText("Issue"));
        assertTrue(driver.findElement(By.id("profile-rules")).getText().contains("tls-server"));
        String csr = Csrs.tlsServer("browser-test.example.com");
        driver.findElement(By.id("csr")).sendKeys(csr);
        screenshot("issue");
        clickAndWaitForNextPage(By.id("issue"));

        assertTrue(driver.findElement(By.id("issued-notice")).isDisplayed());
        String serial = driver.findElement(By.id("serial")).getText();
        assertTrue(driver.findElement(By.id("subject")).getText().contains("CN=browser-test.example.com"));
        assertEquals("valid", driver.findElement(By.id("status")).getText());
        screenshot("certificate");

        clickAndWaitForNextPage(By.linkText("Certificates"));
        driver.findElement(By.id("q")).sendKeys("browser-test");
        new Select(driver.findElement(By.id("status"))).selectByValue("valid");
        clickAndWaitForNextPage(By.id("search"));
        List<WebElement> found = driver.findElements(By.cssSelector("table.certificates td.mono"));
        assertTrue(found.stream().anyMatch(td -> td.getText().equals(serial)), "search lists serial " + serial);
        screenshot("search");

        // The browser downloads the DER file itself into its download directory.
        clickAndWaitForNextPage(By.cssSelector("table.certificates a"));
        driver.findElement(By.id("download-der")).click();
        Path der = awaitDownload(serial + ".cer");
        X509Certificate fromBrowser = parse(Files.readAllBytes(der));
        assertEquals(new BigInteger(serial, 16), fromBrowser.getSerialNumber());
        assertEquals(new X500Principal(new X500Name("CN=browser-test.example.com,O=UI Test").getEncoded()),
                fromBrowser.getSubjectX500Principal());

        // The PEM link, fetched with the browser's session cookie.
        String pemLink = driver.findElement(By.id("download-pem")).getAttribute("href");
        HttpResponse<byte[]> pem = server.getBytes(pemLink.substring(server.base.length()), sessionCookie());
        assertEquals(200, pem.statusCode());
        assertTrue(pem.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
        X509Certificate fromPem = parse(pem.body());
        assertEquals(fromBrowser, fromPem);

        // The issuing CA's page offers its chain; the leaf verifies under the chain's first certificate.
        clickAndWaitForNextPage(By.linkText("Signet Demo Issuing CA"));
        screenshot("ca");
        String chainLink = driver.findElement(By.id("chain-download")).getAttribute("href");
        HttpResponse<byte[]> chain = server.getBytes(chainLink.substring(server.base.length()), sessionCookie());
        assertEquals(200, chain.statusCode());
        List<X509Certificate> cas = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(chain.body())).stream().map(c -> (X509Certificate) c).toList();
        assertEquals(2, cas.size());
        fromPem.verify(cas.get(0).getPublicKey());
        assertEquals(cas.get(0).getSubjectX500Principal(), fromPem.getIssuerX500Principal());
    }

    @Test
    void officer_puts_a_certificate_on_hold_after_confirming_releases_it_then_revokes_it() throws Exception {
        ensureOfficer();
        String serial = server.server.services().authorities().issue("signet-demo-issuing-ca", "tls-server",
                Csrs.tlsServer("revoke-ui.example.com").getBytes(java.nio.charset.StandardCharsets.US_ASCII), "test").serial();
        login(OFFICER, OFFICER_PASSWORD);
        driver.get(server.base + "/ui/certificates/signet-demo-issuing-ca/" + serial);
        new Select(driver.findElement(By.id("revoke-reason"))).selectByValue("certificateHold");
        // Typing into a datetime-local field depends on the browser's locale; set its value as a picker would.
        driver.executeScript("document.getElementById('invalidity-date').value = '2026-11-30T10:00'");
        clickAndWaitForNextPage(By.id("revoke"));
        // The confirmation step: nothing has changed yet.
        assertEquals("certificateHold", driver.findElement(By.id("confirm-reason")).getText());
        assertEquals("valid", driver.findElement(By.id("status")).getText());
        screenshot("revoke-confirm");
        clickAndWaitForNextPage(By.id("revoke-confirm-button"));
        assertTrue(driver.findElement(By.id("revoked-notice")).isDisplayed());
        assertEquals("revoked", driver.findElement(By.id("status")).getText());
        assertEquals("revoked", server.server.services().authorities().find("signet-demo-issuing-ca", serial).orElseThrow().status());

        clickAndWaitForNextPage(By.id("release"));
        assertTrue(driver.findElement(By.id("released-notice")).isDisplayed());
        assertEquals("valid", driver.findElement(By.id("status")).getText());

        new Select(driver.findElement(By.id("revoke-reason"))).selectByValue("keyCompromise");
        clickAndWaitForNextPage(By.id("revoke"));
        clickAndWaitForNextPage(By.id("revoke-confirm-button"));
        assertEquals("revoked", driver.findElement(By.id("status")).getText());
        assertTrue(driver.findElements(By.id("revoke-form")).isEmpty(), "a revoked certificate offers no revoke form");
        assertTrue(driver.findElements(By.id("release-form")).isEmpty(), "only a hold can be released");

        clickAndWaitForNextPage(By.linkText("Signet Demo Issuing CA"));
        assertTrue(driver.findElement(By.id("full-crl")).getText().startsWith("number "), driver.findElement(By.id("full-crl")).getText());
        assertTrue(driver.findElement(By.id("ocsp-responder")).getText().length() > 0);
        screenshot("ca-revocation");
    }

    @Test
    void officer_creates_a_signer_identity_whose_key_stays_in_the_hsm() {
        ensureOfficer();
        login(OFFICER, OFFICER_PASSWORD);
        clickAndWaitForNextPage(By.linkText("New signer identity"));
        assertTrue(driver.findElement(By.id("profile-rules")).getText().contains("document-signer"));
        driver.findElement(By.id("subject")).sendKeys("CN=Browser Signer,O=UI Test");
        screenshot("identity");
        clickAndWaitForNextPage(By.id("create-identity"));
        String notice = driver.findElement(By.id("identity-notice")).getText();
        String serial = driver.findElement(By.id("serial")).getText();
        String id = "signet-demo-issuing-ca." + serial;
        assertTrue(notice.contains(id), notice);
        var identity = server.server.services().authorities().findSignerIdentity(id);
        assertEquals("identity-signet-demo-issuing-ca-" + serial, identity.signer().keyLabel());
        assertTrue(driver.findElement(By.id("subject")).getText().contains("CN=Browser Signer"));
    }

    @Test
    void wrong_password_shows_an_error_and_is_audited() {
        Instant before = Instant.now().minusSeconds(1);
        login("admin", "not the password at all");
        assertEquals("Wrong user name or password.", driver.findElement(By.id("login-error")).getText());
        assertTrue(driver.findElements(By.linkText("Dashboard")).isEmpty(), "not logged in");

        List<AuditEntry> entries = server.server.services().auditLog().list(0, 50).items();
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("login.failure") && e.objectId().equals("admin")
                && e.details().contains("wrong-password") && !e.at().isBefore(before)), "login.failure for admin in the audit chain");

        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("Audit log"));
        assertTrue(driver.findElement(By.id("chain-status")).getText().contains("intact"));
        String log = driver.findElement(By.id("audit-entries")).getText();
        assertTrue(log.contains("login.failure"), log);
        assertTrue(log.contains("login.success"), log);
        screenshot("audit");
    }

    @Test
    void a_form_post_without_the_csrf_token_is_refused() throws Exception {
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("API tokens"));
        int before = server.server.services().access().listTokens().size();
        // Remove the hidden token from the page's form, then submit it as the person would.
        driver.executeScript("document.querySelector('form[action=\"/ui/tokens\"] input[name=_csrf]').remove()");
        driver.findElement(By.id("token-name")).sendKeys("forged");
        clickAndWaitForNextPage(By.id("create-token"));
        assertTrue(driver.findElement(By.tagName("h1")).getText().startsWith("Not allowed"));
        assertEquals(before, server.server.services().access().listTokens().size(), "no token was created");

        // The same post outside the browser, to see the status code.
        HttpResponse<String> r = server.postForm("/ui/tokens", sessionCookie(), Map.of("name", "forged", "role", "admin"));
        assertEquals(403, r.statusCode());
        assertEquals(before, server.server.services().access().listTokens().size());
    }

    @Test
    void admin_creates_a_token_and_sees_it_once() {
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("API tokens"));
        int before = server.server.services().access().listTokens().size();
        driver.findElement(By.id("token-name")).sendKeys("deploy");
        new Select(driver.findElement(By.id("token-role"))).selectByValue("officer");
        clickAndWaitForNextPage(By.id("create-token"));
        String secret = driver.findElement(By.id("token-secret")).getText();
        assertTrue(secret.startsWith("sgt_"), secret);
        assertEquals("officer", server.server.services().access().findBySecret(secret).orElseThrow().role());
        // The form redirected: reloading shows the list without the secret and creates nothing.
        assertTrue(driver.getCurrentUrl().endsWith("/ui/tokens"), driver.getCurrentUrl());
        driver.navigate().refresh();
        assertFalse(driver.getPageSource().contains(secret), "the secret is shown once only");
        assertEquals(before + 1, server.server.services().access().listTokens().size());
    }

    @Test
    void admin_creates_rotates_and_disables_a_data_key_and_sees_its_versions_and_grants() {
        String tokenId = server.server.services().access().createToken("orders-app", "signer", java.util.Set.of(), null, "test")
                .token().id();
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("Data keys"));
        driver.findElement(By.id("key-name")).sendKeys("orders");
        clickAndWaitForNextPage(By.id("create-key"));
        server.server.services().dataKeys().grant("orders", tokenId, true, false, "test");
        clickAndWaitForNextPage(By.id("rotate-orders"));
        String row = driver.findElement(By.id("key-orders")).getText();
        assertTrue(row.contains("v1") && row.contains("v2") && row.contains("enabled"), row);
        assertTrue(row.contains("orders-app") && row.contains("encrypt"), "the grant is listed: " + row);
        screenshot("data-keys");
        clickAndWaitForNextPage(By.id("disable-orders"));
        assertTrue(driver.findElement(By.id("key-orders")).getText().contains("disabled"));
        assertEquals("disabled", server.server.services().dataKeys().get("orders").state());
        assertEquals(2, server.server.services().dataKeys().get("orders").currentVersion());
    }

    @Test
    void an_auditor_cannot_reach_the_issue_page() throws Exception {
        server.createUser("audrey", "auditor password 1", "auditor");
        login("audrey", "auditor password 1");
        assertTrue(driver.findElements(By.linkText("Issue")).isEmpty(), "no Issue link for an auditor");
        driver.get(server.base + "/ui/issue");
        assertTrue(driver.findElement(By.tagName("h1")).getText().startsWith("Not allowed"));
        assertTrue(driver.findElement(By.id("error-message")).getText().contains("auditor"));
        assertEquals(403, server.get("/ui/issue", sessionCookie()).statusCode());
    }

    @Test
    void a_server_signed_pdf_validates_on_the_page_with_signets_own_ocsp_named_as_the_revocation_source() throws Exception {
        var services = server.server.services();
        var identity = services.authorities().createSignerIdentity("signet-demo-issuing-ca", "document-signer",
                "CN=Browser Validated,O=UI Test", dev.signet.hsm.KeyAlgorithm.EC_P256, "test");
        Path unsigned = data.resolve("to-validate.pdf");
        try (var doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
            doc.addPage(new org.apache.pdfbox.pdmodel.PDPage());
            doc.save(unsigned.toFile());
        }
        Path signed = data.resolve("signed-for-validation.pdf");
        services.pdfSigner().sign(unsigned, signed, services.documentSigners().identity(identity.id()),
                dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_B));
        ensureOfficer();
        login(OFFICER, OFFICER_PASSWORD);
        driver.get(server.base + "/ui/validate");
        assertTrue(driver.findElement(By.tagName("body")).getText().contains("at most 64 MiB"), "the configured limit is shown");
        driver.findElement(By.id("pdf")).sendKeys(signed.toAbsolutePath().toString());
        clickAndWaitForNextPage(By.id("validate"));
        String page = driver.findElement(By.tagName("body")).getText();
        screenshot("validate");
        assertTrue(page.contains("TOTAL_PASSED"), page);
        assertTrue(page.contains("PAdES-BASELINE-B"), page);
        String revocation = driver.findElement(By.className("revocation")).getText();
        assertTrue(revocation.contains("CN=Browser Validated") && revocation.contains("good")
                && revocation.contains("Signet's own current OCSP"), revocation);
    }

    private void ensureOfficer() {
        if (server.server.services().access().findUser(OFFICER).isPresent()) {
            return;
        }
        // Through the admin's users page, as a person would set it up.
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("Users"));
        driver.findElement(By.id("new-username")).sendKeys(OFFICER);
        new Select(driver.findElement(By.id("new-role"))).selectByValue("officer");
        driver.findElement(By.id("new-password")).sendKeys(OFFICER_PASSWORD);
        clickAndWaitForNextPage(By.id("create-user"));
        assertTrue(driver.findElement(By.id("user-created")).getText().contains(OFFICER));
        screenshot("users");
        clickAndWaitForNextPage(By.xpath("//button[text()='Log out']"));
        assertTrue(driver.getCurrentUrl().endsWith("/ui/login"));
    }

    private void clickAndWaitForNextPage(By target) {
        browser.clickAndWaitForNextPage(target);
    }

    private void login(String username, String password) {
        browser.login(server.base, username, password);
    }

    private String sessionCookie() {
        return browser.sessionCookie();
    }

    private void screenshot(String name) {
        browser.screenshot(name);
    }

    private Path awaitDownload(String fileName) throws InterruptedException {
        return browser.awaitDownload(fileName);
    }

    private static X509Certificate parse(byte[] encoded) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(encoded));
    }
}
