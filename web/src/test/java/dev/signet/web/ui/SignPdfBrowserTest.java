package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.CaInfo;
import dev.signet.ca.AuditEntry;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.signing.Indication;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationReport;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 12's "Sign a PDF" page in a real headless Chromium against a real server: an administrator
 * grants a signer user an identity (audited), the user uploads a PDF, chooses the identity, the
 * level and a visible signature with an image, and the browser downloads the signed file, which
 * pdfsig and the server's validator accept. Identities not granted, and files that are not PDFs,
 * are refused on the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignPdfBrowserTest {

    static final String ISSUING = "signet-demo-issuing-ca";
    static final String SIGNER = "sam";
    static final String SIGNER_PASSWORD = "signer password 1";

    Path data;
    Path files;
    UiServer server;
    Chromium browser;
    String granted;
    String other;

    @BeforeAll
    void start() throws Exception {
        data = Files.createTempDirectory("signet-sign-ui-data");
        files = Files.createTempDirectory("signet-sign-ui-files");
        server = UiServer.start(data);
        try {
            granted = server.server.services().authorities().createSignerIdentity(ISSUING, "document-signer",
                    "CN=Browser Signer,O=Signet", KeyAlgorithm.EC_P256, "test").id();
            other = server.server.services().authorities().createSignerIdentity(ISSUING, "document-signer",
                    "CN=Someone Else,O=Signet", KeyAlgorithm.EC_P256, "test").id();
            server.createUser(SIGNER, SIGNER_PASSWORD, "signer");
            browser = Chromium.start();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                server.close();
            } finally {
                Chromium.deleteTree(data);
                Chromium.deleteTree(files);
            }
        }
    }

    @BeforeEach
    void loggedOut() {
        browser.forgetSession(server.base);
    }

    @Test
    void an_admin_grants_an_identity_and_the_signer_signs_a_pdf_with_a_visible_image_and_downloads_it() throws Exception {
        grantThroughTheUi(granted);
        assertTrue(audited("user.identity.grant", "user:admin", granted), "the grant is audited");

        browser.login(server.base, SIGNER, SIGNER_PASSWORD);
        browser.clickAndWaitForNextPage(By.linkText("Sign a PDF"));
        List<String> offered = new Select(browser.driver.findElement(By.id("identity"))).getOptions().stream()
                .map(o -> o.getAttribute("value")).toList();
        assertEquals(List.of(granted), offered, "only the granted identity is offered");

        Path pdf = twoPagePdf(files.resolve("contract.pdf"));
        Path png = png(files.resolve("logo.png"));
        browser.driver.findElement(By.id("pdf")).sendKeys(pdf.toAbsolutePath().toString());
        new Select(browser.driver.findElement(By.id("level"))).selectByValue("B-LT");
        browser.driver.findElement(By.id("reason")).sendKeys("I approve");
        browser.driver.findElement(By.id("visible")).click();
        setValue("page", "2");
        browser.driver.findElement(By.id("image")).sendKeys(png.toAbsolutePath().toString());
        browser.screenshot("sign-pdf");
        browser.driver.findElement(By.id("sign")).click();
        Path signed = browser.awaitDownload("contract-signed.pdf");

        String report = pdfsig(signed);
        // B-LT: the DSS follows in an update of its own, so the signature does not cover the last revision.
        assertTrue(report.contains("Signature is Valid.") && report.contains("CN=Browser Signer")
                && report.contains("ETSI.CAdES.detached"), report);
        ValidationReport validation;
        try (InputStream in = Files.newInputStream(signed)) {
            validation = server.server.services().pdfValidation().validate(in, null);
        }
        SignatureReport s = validation.signatures().get(0);
        assertEquals(Indication.TOTAL_PASSED, s.indication(), s.toString());
        assertEquals("PAdES-BASELINE-LT", s.level(), s.toString());
        assertEquals("allowed", s.changesAfterSigning(), "only the DSS follows the signature");
        try (PDDocument doc = Loader.loadPDF(signed.toFile())) {
            var widget = doc.getSignatureFields().get(0).getWidgets().get(0);
            assertEquals(doc.getPage(1).getCOSObject(), widget.getPage().getCOSObject(), "on page 2, as chosen");
            PDAppearanceStream ap = widget.getAppearance().getNormalAppearance().getAppearanceStream();
            int images = 0;
            for (var name : ap.getResources().getXObjectNames()) {
                images += ap.getResources().isImageXObject(name) ? 1 : 0;
            }
            assertEquals(1, images, "the uploaded image is in the appearance");
            assertEquals("I approve", doc.getLastSignatureDictionary().getReason());
        }
        assertTrue(audited("document.signed", "user:" + SIGNER, granted), "the signature is audited with its requester");
    }

    @Test
    void an_identity_not_granted_and_a_file_that_is_not_a_pdf_are_refused_on_the_page() throws Exception {
        grantThroughTheUi(granted);
        browser.login(server.base, SIGNER, SIGNER_PASSWORD);
        browser.driver.get(server.base + "/ui/sign");

        // A tampered form names an identity the user was not granted.
        browser.driver.executeScript("var o = document.createElement('option'); o.value = arguments[0]; o.text = 'x';"
                + "document.getElementById('identity').appendChild(o); document.getElementById('identity').value = arguments[0];", other);
        browser.driver.findElement(By.id("pdf")).sendKeys(twoPagePdf(files.resolve("a.pdf")).toAbsolutePath().toString());
        browser.clickAndWaitForNextPage(By.id("sign"));
        assertTrue(browser.driver.findElement(By.id("sign-error")).getText().contains("may not sign with identity"),
                browser.driver.getPageSource());
        assertTrue(audited("request.refused", "user:" + SIGNER, null), "the refusal is audited");

        Path text = Files.writeString(files.resolve("notes.pdf"), "these are notes, not a PDF");
        browser.driver.findElement(By.id("pdf")).sendKeys(text.toAbsolutePath().toString());
        new Select(browser.driver.findElement(By.id("level"))).selectByValue("B-B");
        browser.clickAndWaitForNextPage(By.id("sign"));
        assertFalse(browser.driver.findElement(By.id("sign-error")).getText().isBlank());
        assertEquals("B-B", new Select(browser.driver.findElement(By.id("level"))).getFirstSelectedOption().getAttribute("value"),
                "the form keeps what was chosen");
        assertTrue(Files.list(server.server.services().signingWorkDir()).findAny().isEmpty(), "no temporary file is left");
    }

    @Test
    void a_withdrawn_grant_leaves_the_signer_without_identities() throws Exception {
        grantThroughTheUi(granted);
        browser.login(server.base, "admin", server.adminPassword);
        browser.driver.get(server.base + "/ui/users/" + SIGNER + "/identities");
        browser.clickAndWaitForNextPage(By.cssSelector("button[aria-label='Withdraw " + granted + "']"));
        assertTrue(browser.driver.findElement(By.id("granted")).getText().contains("None granted."));
        assertTrue(audited("user.identity.revoke", "user:admin", granted));

        browser.forgetSession(server.base);
        browser.login(server.base, SIGNER, SIGNER_PASSWORD);
        browser.driver.get(server.base + "/ui/sign");
        assertTrue(browser.driver.findElement(By.id("no-identities")).isDisplayed());
    }

    /** The admin opens the signer's identities from the Users page and grants one (if not granted yet). */
    private void grantThroughTheUi(String identity) {
        if (server.server.services().access().identitiesOf(SIGNER).contains(identity)) {
            return;
        }
        browser.login(server.base, "admin", server.adminPassword);
        browser.clickAndWaitForNextPage(By.linkText("Users"));
        browser.clickAndWaitForNextPage(By.cssSelector("a[aria-label='Identities of " + SIGNER + "']"));
        new Select(browser.driver.findElement(By.id("grant-identity"))).selectByValue(identity);
        browser.clickAndWaitForNextPage(By.id("grant"));
        assertTrue(browser.driver.findElement(By.id("granted")).getText().contains(identity), browser.driver.getPageSource());
        browser.forgetSession(server.base);
    }

    private void setValue(String id, String value) {
        var field = browser.driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private boolean audited(String action, String actor, String details) {
        return server.server.services().auditLog().list(0, 500).items().stream().anyMatch((AuditEntry e) ->
                e.action().equals(action) && e.actor().equals(actor)
                        && (details == null || e.objectId().equals(details) || e.details().contains(details)));
    }

    private String pdfsig(Path pdf) throws Exception {
        String rootPem = server.server.services().authorities().list().stream()
                .filter(c -> c.parentId() == null).map(CaInfo::certificatePem).findFirst().orElseThrow();
        Path nss = Files.createTempDirectory(files, "nss");
        Path root = Files.writeString(nss.resolve("root.pem"), rootPem);
        run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "CT,C,C", "-i", root.toString());
        return run("pdfsig", "-nssdir", "sql:" + nss, pdf.toString());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return out;
    }

    private static Path twoPagePdf(Path file) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage(PDRectangle.A4));
            doc.addPage(new PDPage(PDRectangle.A4));
            doc.save(file.toFile());
        }
        return file;
    }

    private static Path png(Path file) throws Exception {
        BufferedImage img = new BufferedImage(60, 30, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 60; x++) {
            for (int y = 0; y < 30; y++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 8) << 8 | 0x60);
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
