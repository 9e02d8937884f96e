package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium (see TOOLS.md: Selenium Manager cannot download
 * here), with a profile and a download directory of its own, removed on close: the set-up the
 * browser tests share. Chromium is required: without it the tests fail, they do not skip.
 */
final class Chromium implements AutoCloseable {

    static final String BINARY = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile, Path downloads) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
    }

    static Chromium start() throws IOException {
        assertTrue(Files.isExecutable(Path.of(BINARY)), BINARY + " is missing: apt-get install chromium");
        assertTrue(Files.isExecutable(Path.of(DRIVER)), DRIVER + " is missing: apt-get install chromium-driver");
        Path profile = Files.createTempDirectory("signet-chromium");
        Path downloads = Files.createTempDirectory("signet-downloads");
        try {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--no-first-run", "--window-size=1280,1100",
                    "--user-data-dir=" + profile.toAbsolutePath());
            options.setExperimentalOption("prefs", Map.of(
                    "download.default_directory", downloads.toAbsolutePath().toString(),
                    "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Chromium(driver, profile, downloads);
        } catch (RuntimeException e) {
            deleteTree(profile);
            deleteTree(downloads);
            throw e;
        }
    }

    /**
     * Clicks something that loads a new page and waits until the new page has loaded, so the next
     * lookup cannot race the navigation (on a loaded machine it otherwise reads the old page). The
     * old page is marked with a window property that a new document does not have; errors while
     * the browser is between documents just mean "not yet".
     */
    void clickAndWaitForNextPage(By target) {
        driver.executeScript("window.signetOldPage = true");
        driver.findElement(target).click();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(driver.executeScript(
                        "return window.signetOldPage === undefined && document.readyState === 'complete'")));
    }

    void login(String base, String username, String password) {
        driver.get(base + "/ui/login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        clickAndWaitForNextPage(By.id("login"));
    }

    /** Ends the session as far as the browser is concerned (the next page asks for a login). */
    void forgetSession(String base) {
        driver.get(base + "/ui/login");
        driver.manage().deleteAllCookies();
    }

    String sessionCookie() {
        Cookie c = driver.manage().getCookieNamed(SessionCookie.NAME);
        return c == null ? null : c.getValue();
    }

    /** Waits for the browser to finish downloading {@code fileName} into {@link #downloads}. */
    Path awaitDownload(String fileName) throws InterruptedException {
        Path file = downloads.resolve(fileName);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file) && !Files.exists(downloads.resolve(fileName + ".crdownload"))) {
                return file;
            }
            Thread.sleep(100);
        }
        String page;
        try (Stream<Path> s = Files.list(downloads)) {
            page = "downloads: " + s.map(p -> p.getFileName().toString()).toList() + "; page " + driver.getCurrentUrl()
                    + ": " + driver.findElement(By.tagName("body")).getText();
        } catch (IOException | WebDriverException e) {
            page = e.toString();
        }
        throw new AssertionError("the browser did not download " + fileName + " (" + page + ")");
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write screenshot " + name, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
            deleteTree(downloads);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
