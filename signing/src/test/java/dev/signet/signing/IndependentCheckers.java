package dev.signet.signing;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent implementations that check what Signet signs: EU DSS (offline, the test root
 * the only trust anchor), poppler's pdfsig (trust from an NSS database) and qpdf.
 */
final class IndependentCheckers {

    private IndependentCheckers() {
    }

    /** DSS's verdict on one signature ({@code format} is e.g. {@code PAdES-BASELINE-LT}) or document time-stamp. */
    record DssResult(String format, String indication, String subIndication, String errors) {
        boolean passed() {
            return "TOTAL_PASSED".equals(indication);
        }
    }

    private static ClassLoader dssLoader;

    /**
     * DSS 6.4 parses /Contents with Bouncy Castle's strict {@code CMSSignedData(byte[])}, which since 1.84
     * refuses the zero padding after the CMS that every PDF signature has. So DSS runs in its own class
     * loader with the Bouncy Castle it was built with (copied by the build into target/dss-bc).
     */
    private static synchronized ClassLoader dssLoader() throws Exception {
        if (dssLoader == null) {
            List<URL> urls = new ArrayList<>();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            for (String entry : cp.split(File.pathSeparator)) {
                if (!entry.contains("bouncycastle")) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
            try (var jars = Files.list(Path.of(System.getProperty("signet.dss.bouncycastle", "target/dss-bc")))) {
                for (Path jar : jars.toList()) {
                    urls.add(jar.toUri().toURL());
                }
            }
            dssLoader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        }
        return dssLoader;
    }

    static List<DssResult> dss(Path pdf, X509Certificate root) throws Exception {
        return dssCall("validate", new Class<?>[] {String.class, byte[].class}, pdf.toString(), root.getEncoded());
    }

    /** DSS's verdict on a detached CMS signature over {@code content} ({@code format} is e.g. {@code CAdES-BASELINE-LT}). */
    static List<DssResult> dssDetached(Path p7s, Path content, X509Certificate root) throws Exception {
        return dssCall("validateDetached", new Class<?>[] {String.class, String.class, byte[].class},
                p7s.toString(), content.toString(), root.getEncoded());
    }

    private static List<DssResult> dssCall(String method, Class<?>[] types, Object... args) throws Exception {
        ClassLoader loader = dssLoader();
        Method validate = loader.loadClass(DssValidation.class.getName()).getMethod(method, types);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        String[] lines;
        thread.setContextClassLoader(loader); // DSS finds its parts with ServiceLoader
        try {
            lines = (String[]) validate.invoke(null, args);
        } finally {
            thread.setContextClassLoader(previous);
        }
        List<DssResult> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\\|", 4);
            out.add(new DssResult(f[0], f[1], f[2], f[3]));
        }
        return out;
    }

    /** pdfsig's printed report (its exit code says nothing), trusting {@code root} through a fresh NSS database. */
    static String pdfsig(Path pdf, X509Certificate root, Path workDir) throws Exception {
        Path nss = Files.createTempDirectory(workDir, "nss");
        Path rootPem = nss.resolve("root.pem");
        Files.writeString(rootPem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(root.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        run(List.of("certutil", "-N", "-d", "sql:" + nss, "--empty-password"));
        run(List.of("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "CT,C,C", "-i", rootPem.toString()));
        return run(List.of("pdfsig", "-nssdir", "sql:" + nss, pdf.toString()));
    }

    /** qpdf --check's output; fails the caller's assertion with that output when qpdf finds errors. */
    static String qpdfErrors(Path pdf, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("qpdf", "--check"));
        command.addAll(List.of(options));
        command.add(pdf.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        // exit 0: fine; 3: warnings only (qpdf reports recoverable oddities of the original file); 2: errors
        return p.exitValue() == 2 || out.contains("ERROR") ? out : "";
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " timed out");
        }
        return out;
    }
}
