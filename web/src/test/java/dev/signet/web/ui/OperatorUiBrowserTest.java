package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.SignerIdentity;
import dev.signet.web.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * What a new operator tripped over (issue 15), in a real headless Chromium against a real server:
 * the issue form signs exactly what is selected, the first start's officer issues at once, renewal
 * and validity, the CAs and identities pages, search and the audit log, and the admin forms.
 * Chromium is required: without it these tests fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorUiBrowserTest {

    static final String ROOT = "signet-demo-root-ca";
    static final String ISSUING = "signet-demo-issuing-ca";
    private static final Pattern OFFICER_PASSWORD = Pattern.compile("user:\\s+officer\\s.*\\R\\s+password: (\\S+)");

    Path data;
    UiServer server;
    String officerPassword;
    Chromium browser;
    ChromeDriver driver;

    @BeforeAll
    void start() throws IOException {
        data = Files.createTempDirectory("signet-ux-data");
        server = UiServer.start(data);
        Matcher m = OFFICER_PASSWORD.matcher(server.console);
        assertTrue(m.find(), "the first start prints the officer's password:\n" + server.console);
        officerPassword = m.group(1);
        try {
            browser = Chromium.start();
            driver = browser.driver;
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
    void the_issue_form_signs_with_the_ca_and_profile_selected_even_without_show_rules() throws Exception {
        // A second issuing CA to choose (a root issues only CA certificates, so not the root).
        String second = server.server.services().authorities().createSubordinate(ROOT, new dev.signet.ca.NewCa(
                        "Signet Demo Second Issuing CA", "CN=Signet Demo Second Issuing CA,O=Signet",
                        dev.signet.hsm.KeyAlgorithm.EC_P256, null, null, null), null, "test").id();
        login("officer", officerPassword);
        clickAndWaitForNextPage(By.linkText("Issue"));
        // The page opens on the issuing CA and tls-server; change both and submit at once.
        new Select(driver.findElement(By.id("choose-ca"))).selectByValue(second);
        new Select(driver.findElement(By.id("choose-profile"))).selectByValue("tls-client");
        driver.findElement(By.id("csr")).sendKeys(Csrs.tlsServer("client-one.example.com"));
        clickAndWaitForNextPage(By.id("issue"));

        assertTrue(driver.findElement(By.id("issued-notice")).isDisplayed(), driver.getPageSource());
        String serial = driver.findElement(By.id("serial")).getText();
        IssuedCertificate c = server.server.services().authorities().find(second, serial).orElseThrow();
        assertEquals("tls-client", c.profile());
        X509Certificate x = TestCertificates.certificate(c.certificatePem());
        assertTrue(x.getIssuerX500Principal().getName().contains("Signet Demo Second Issuing CA"), x.getIssuerX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), x.getExtendedKeyUsage(), "clientAuth, as tls-client says");

        // "Show rules" shows the selected profile's rules and keeps the CSR typed.
        clickAndWaitForNextPage(By.linkText("Issue"));
        new Select(driver.findElement(By.id("choose-profile"))).selectByValue("email");
        driver.findElement(By.id("csr")).sendKeys("-----BEGIN CERTIFICATE REQUEST-----");
        clickAndWaitForNextPage(By.id("show-rules"));
        assertTrue(driver.findElement(By.id("profile-rules")).getText().contains("Rules of the profile email"));
        assertEquals("email", new Select(driver.findElement(By.id("choose-profile"))).getFirstSelectedOption().getAttribute("value"));
        assertTrue(driver.findElement(By.id("csr")).getAttribute("value").startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
    }

    @Test
    void the_first_start_officer_issues_and_the_admin_is_told_which_role_issues() {
        login("admin", server.adminPassword);
        assertTrue(driver.findElement(By.id("admin-cannot-issue")).getText().contains("officer"));
        driver.get(server.base + "/ui/issue");
        String message = driver.findElement(By.id("error-message")).getText();
        assertTrue(message.contains("needs the role officer") && message.contains("Users page"), message);
        assertFalse(driver.findElements(By.linkText("Dashboard")).isEmpty(), "the error page keeps the navigation");

        loggedOut();
        login("officer", officerPassword);
        assertFalse(driver.findElements(By.linkText("Issue")).isEmpty(), "the officer has an Issue link");
        // Accessibility basics on every page: a skip link and the current section marked.
        assertEquals("#main", driver.findElement(By.cssSelector("a.skip")).getAttribute("href").replace(server.base + "/ui", ""));
        assertEquals("Dashboard", driver.findElement(By.cssSelector("nav a[aria-current=page]")).getText());
    }

    @Test
    void an_officer_chooses_the_validity_renews_and_downloads_the_full_chain() throws Exception {
        login("officer", officerPassword);
        clickAndWaitForNextPage(By.linkText("Issue"));
        driver.findElement(By.id("validityDays")).sendKeys("30");
        driver.findElement(By.id("csr")).sendKeys(Csrs.tlsServer("renew-me.example.com"));
        clickAndWaitForNextPage(By.id("issue"));
        String serial = driver.findElement(By.id("serial")).getText();
        X509Certificate first = TestCertificates.certificate(server.server.services().authorities().find(ISSUING, serial).orElseThrow().certificatePem());
        assertEquals(30, Duration.between(first.getNotBefore().toInstant(), first.getNotAfter().toInstant()).toDays());

        String chainLink = driver.findElement(By.id("download-chain")).getAttribute("href");
        HttpResponse<byte[]> chain = server.getBytes(chainLink.substring(server.base.length()), sessionCookie());
        assertEquals(200, chain.statusCode());
        List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(chain.body()))
                .stream().map(c -> (X509Certificate) c).toList();
        assertEquals(3, certs.size(), "certificate, issuing CA, root");
        assertEquals(first, certs.get(0));
        assertEquals(certs.get(2).getSubjectX500Principal(), certs.get(2).getIssuerX500Principal(), "ends with the root");

        clickAndWaitForNextPage(By.id("renew"));
        driver.findElement(By.id("validityDays")).sendKeys("10");
        clickAndWaitForNextPage(By.id("renew-submit"));
        assertEquals(serial, driver.findElement(By.id("renewed-from")).getText());
        String renewedSerial = driver.findElement(By.id("serial")).getText();
        assertFalse(renewedSerial.equals(serial));
        X509Certificate renewed = TestCertificates.certificate(server.server.services().authorities().find(ISSUING, renewedSerial).orElseThrow().certificatePem());
        assertEquals(first.getSubjectX500Principal(), renewed.getSubjectX500Principal());
        assertEquals(first.getSubjectAlternativeNames().toString(), renewed.getSubjectAlternativeNames().toString());
        assertEquals(first.getPublicKey(), renewed.getPublicKey());
        assertEquals(10, Duration.between(renewed.getNotBefore().toInstant(), renewed.getNotAfter().toInstant()).toDays());

        // A validity over the profile's longest is refused on the form, which keeps what was typed.
        clickAndWaitForNextPage(By.id("renew"));
        driver.executeScript("document.getElementById('validityDays').removeAttribute('max')");
        driver.findElement(By.id("validityDays")).sendKeys("5000");
        clickAndWaitForNextPage(By.id("renew-submit"));
        assertTrue(driver.findElement(By.id("renew-error")).getText().contains("397 days"), driver.getPageSource());
        assertEquals("5000", driver.findElement(By.id("validityDays")).getAttribute("value"));
    }

    @Test
    void the_cas_page_lists_cas_an_admin_creates_a_subordinate_and_identities_have_their_page() {
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("CAs"));
        assertEquals("CAs", driver.findElement(By.cssSelector("nav a[aria-current=page]")).getText());
        String list = driver.findElement(By.id("ca-list")).getText();
        assertTrue(list.contains("Signet Demo Root CA") && list.contains("Signet Demo Issuing CA"), list);
        assertFalse(driver.findElements(By.cssSelector("#ca-list thead th")).isEmpty(), "headers in thead");

        new Select(driver.findElement(By.id("ca-parent"))).selectByValue(ROOT);
        driver.findElement(By.id("ca-name")).sendKeys("Team CA");
        driver.findElement(By.id("ca-subject")).sendKeys("CN=Team CA,O=Signet");
        clickAndWaitForNextPage(By.id("create-ca"));
        assertEquals("Team CA", driver.findElement(By.tagName("h1")).getText().replace("active", "").strip());
        assertTrue(driver.findElement(By.id("ca-counts")).getText().contains("0 valid"));
        assertTrue(driver.findElement(By.id("revocation-state")).getText().contains("not served"));
        assertTrue(server.server.services().authorities().list().stream().anyMatch(c -> c.name().equals("Team CA")
                && ROOT.equals(c.parentId())));

        loggedOut();
        login("officer", officerPassword);
        clickAndWaitForNextPage(By.linkText("Signer identities"));
        clickAndWaitForNextPage(By.id("new-identity"));
        driver.findElement(By.id("subject")).sendKeys("CN=Listed Signer,O=UI Test");
        clickAndWaitForNextPage(By.id("create-identity"));
        clickAndWaitForNextPage(By.linkText("Signer identities"));
        assertEquals("Signer identities", driver.findElement(By.cssSelector("nav a[aria-current=page]")).getText());
        String identities = driver.findElement(By.id("identities")).getText();
        List<SignerIdentity> known = server.server.services().authorities().listSignerIdentities();
        assertTrue(known.stream().anyMatch(i -> identities.contains(i.id()) && i.certificate().subject().contains("Listed Signer")),
                identities);
    }

    @Test
    void certificates_are_found_by_serial_with_colons_status_and_expiry_and_the_audit_log_reads_well() throws Exception {
        login("officer", officerPassword);
        clickAndWaitForNextPage(By.linkText("Issue"));
        driver.findElement(By.id("validityDays")).sendKeys("20");
        driver.findElement(By.id("csr")).sendKeys(Csrs.tlsServer("findme.example.com"));
        clickAndWaitForNextPage(By.id("issue"));
        String serial = driver.findElement(By.id("serial")).getText();

        clickAndWaitForNextPage(By.linkText("Certificates"));
        driver.findElement(By.id("serial")).sendKeys(String.join(":", serial.toUpperCase().split("(?<=\\G..)")));
        clickAndWaitForNextPage(By.id("search"));
        assertEquals("1 certificate found.", driver.findElement(By.id("result-count")).getText());
        assertTrue(driver.findElement(By.cssSelector("table.certificates tbody")).getText().contains(serial));

        driver.findElement(By.id("serial")).clear();
        driver.findElement(By.id("q")).sendKeys("findme");
        driver.findElement(By.id("within")).sendKeys("25");
        clickAndWaitForNextPage(By.id("search"));
        assertTrue(driver.findElement(By.cssSelector("table.certificates")).getText().contains(serial), "expires within 25 days");
        driver.findElement(By.id("within")).clear();
        driver.findElement(By.id("within")).sendKeys("10");
        clickAndWaitForNextPage(By.id("search"));
        assertEquals("0 certificates found.", driver.findElement(By.id("result-count")).getText());
        driver.findElement(By.id("within")).clear();
        new Select(driver.findElement(By.id("status"))).selectByValue("expired");
        clickAndWaitForNextPage(By.id("search"));
        assertEquals("0 certificates found.", driver.findElement(By.id("result-count")).getText());

        // Newest first by default: the certificate just issued heads the unfiltered list.
        driver.get(server.base + "/ui/certificates");
        List<WebElement> serials = driver.findElements(By.cssSelector("table.certificates tbody td.mono"));
        assertEquals(serial, serials.get(0).getText());

        loggedOut();
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("Audit log"));
        driver.findElement(By.name("action")).sendKeys("login");
        clickAndWaitForNextPage(By.cssSelector("#audit-filter button"));
        List<WebElement> actions = driver.findElements(By.cssSelector("#audit-entries tbody td:nth-child(4)"));
        assertFalse(actions.isEmpty());
        assertTrue(actions.stream().allMatch(a -> a.getText().startsWith("login.")), "a prefix finds login.success");
        assertTrue(actions.stream().anyMatch(a -> a.getText().equals("login.success")));

        driver.get(server.base + "/ui/audit?action=certificate");
        String rows = driver.findElement(By.id("audit-entries")).getText();
        assertFalse(rows.contains("certificate.reserve"), "an issuance is one row:\n" + rows);
        assertTrue(rows.contains("serial reserved first"), rows);
        assertTrue(rows.contains("subject: CN=findme.example.com"), "details read as name: value, not JSON:\n" + rows);
        String pager = driver.findElement(By.cssSelector(".pager")).getText();
        assertTrue(pager.matches("(?s).*\\((1 entry|[02-9]\\d* entries|1\\d+ entries)\\).*"), pager);
    }

    @Test
    void admin_forms_default_to_least_privilege_keep_what_was_typed_and_confirm_what_destroys() {
        server.createUser("taken", "taken password 1", "auditor");
        login("admin", server.adminPassword);
        clickAndWaitForNextPage(By.linkText("Users"));
        assertEquals("auditor", new Select(driver.findElement(By.id("new-role"))).getFirstSelectedOption().getAttribute("value"));
        driver.findElement(By.id("new-username")).sendKeys("taken");
        new Select(driver.findElement(By.id("new-role"))).selectByValue("officer");
        clickAndWaitForNextPage(By.id("create-user"));
        assertTrue(driver.findElement(By.id("users-error")).getText().contains("exists already"));
        assertEquals("taken", driver.findElement(By.id("new-username")).getAttribute("value"), "kept what was typed");
        assertEquals("officer", new Select(driver.findElement(By.id("new-role"))).getFirstSelectedOption().getAttribute("value"));

        // Disabling asks first; cancelling changes nothing.
        driver.findElement(By.cssSelector("a[href='/ui/users/taken/disable']")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("confirm")).isEmpty());
        assertTrue(driver.findElement(By.id("confirm-heading")).getText().contains("Disable user taken?"));
        clickAndWaitForNextPage(By.id("cancel"));
        assertFalse(server.server.services().access().findUser("taken").orElseThrow().disabled());
        driver.findElement(By.cssSelector("a[href='/ui/users/taken/disable']")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("confirm")).isEmpty());
        clickAndWaitForNextPage(By.id("confirm"));
        assertTrue(server.server.services().access().findUser("taken").orElseThrow().disabled());

        clickAndWaitForNextPage(By.linkText("API tokens"));
        assertEquals("auditor", new Select(driver.findElement(By.id("token-role"))).getFirstSelectedOption().getAttribute("value"));
        driver.findElement(By.id("token-name")).sendKeys("kept name");
        driver.executeScript("document.getElementById('token-expires').removeAttribute('max')");
        driver.findElement(By.id("token-expires")).sendKeys("99999");
        clickAndWaitForNextPage(By.id("create-token"));
        assertTrue(driver.findElement(By.id("tokens-error")).getText().contains("Expiry"));
        assertEquals("kept name", driver.findElement(By.id("token-name")).getAttribute("value"));
        assertEquals("99999", driver.findElement(By.id("token-expires")).getAttribute("value"));

        // The list shows the ids `token revoke` takes; revoking asks first.
        var token = server.server.services().access().createToken("to revoke", "auditor", java.util.Set.of(), null, "test").token();
        driver.navigate().refresh();
        List<String> ids = driver.findElements(By.cssSelector("td.token-id")).stream().map(WebElement::getText).toList();
        assertTrue(ids.contains(token.id()), ids.toString());
        driver.findElement(By.cssSelector("a[href='/ui/tokens/" + token.id() + "/revoke']")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("confirm")).isEmpty());
        assertTrue(driver.findElement(By.id("confirm-message")).getText().contains(token.id()));
        clickAndWaitForNextPage(By.id("confirm"));
        assertTrue(server.server.services().access().listTokens().stream()
                .anyMatch(t -> t.id().equals(token.id()) && t.revoked() != null));
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
}
