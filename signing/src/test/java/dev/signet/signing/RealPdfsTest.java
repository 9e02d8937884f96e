package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PDFs Signet did not make: Debian documentation files from LibreOffice, cairo, Ghostscript,
 * ReportLab and pdfTeX, a hand-written one, a linearized and an owner-password-encrypted file
 * (qpdf), and one already signed by poppler. Each is signed at every level and checked by DSS,
 * pdfsig and qpdf. The files come from signing/src/test/data/fetch-real-pdfs.sh (./test runs it).
 */
class RealPdfsTest {

    static final Path REAL = Path.of(System.getProperty("signet.realPdfs", "test-data/real-pdfs"));

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        assertTrue(Files.exists(REAL.resolve(".complete")),
                "no test data in " + REAL.toAbsolutePath() + ": run signing/src/test/data/fetch-real-pdfs.sh (./test does)");
        pki = TestPki.start(dir);
        identity = pki.identity("Real Signer", KeyAlgorithm.EC_P256);
        signer = pki.pdfSigner(dir.resolve("work"));
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private static List<Path> realFiles() throws Exception {
        try (Stream<Path> files = Files.list(REAL)) {
            return files.filter(p -> p.toString().endsWith(".pdf")).sorted().toList();
        }
    }

    @Test
    void every_real_pdf_is_signed_at_every_level_and_the_independent_checkers_agree() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Path> files = realFiles();
        assertTrue(files.size() >= 8, "expected the fetched set, found " + files);
        for (Path in : files) {
            for (PadesLevel level : PadesLevel.values()) {
                String name = in.getFileName() + " at " + level.id();
                Path out = dir.resolve(in.getFileName() + "-" + level.id() + ".pdf");
                try {
                    signer.sign(in, out, identity, PdfSignOptions.at(level));
                } catch (RuntimeException e) {
                    failures.add(name + ": " + e);
                    continue;
                }
                var dss = IndependentCheckers.dss(out, pki.root);
                if (dss.isEmpty() || !dss.get(0).format().equals("PAdES-BASELINE-" + level.id().substring(2))
                        || (level.atLeast(PadesLevel.B_LT) && !dss.get(0).passed())) {
                    failures.add(name + ": DSS " + dss);
                }
                String pdfsig = IndependentCheckers.pdfsig(out, pki.root, dir);
                if (!pdfsig.contains("Signature is Valid.") || !pdfsig.contains("Certificate is Trusted.")) {
                    failures.add(name + ": pdfsig " + pdfsig);
                }
                String qpdf = IndependentCheckers.qpdfErrors(out);
                if (!qpdf.isEmpty()) {
                    failures.add(name + ": qpdf " + qpdf);
                }
                Files.delete(out);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void a_pdf_signed_by_poppler_keeps_its_signature_valid_after_signet_signs_it_too() throws Exception {
        Path nss = Files.createDirectories(dir.resolve("poppler-nss"));
        Path noise = Files.write(nss.resolve("noise"), new java.security.SecureRandom().generateSeed(64));
        IndependentCheckers.run(List.of("certutil", "-N", "-d", "sql:" + nss, "--empty-password"));
        IndependentCheckers.run(List.of("certutil", "-S", "-x", "-n", "poppler", "-s", "CN=Poppler Signer,O=Other Product",
                "-t", "CT,C,C", "-k", "rsa", "-g", "2048", "-d", "sql:" + nss, "-z", noise.toString(), "-v", "12",
                "--keyUsage", "digitalSignature,nonRepudiation,certSigning"));
        Path popplerSigned = dir.resolve("poppler-signed.pdf");
        String added = IndependentCheckers.run(List.of("pdfsig", "-nssdir", "sql:" + nss, "-add-signature", "-nick", "poppler",
                "-new-signature-field-name", "PopplerSignature", REAL.resolve("asyRefCard.pdf").toString(), popplerSigned.toString()));
        assertTrue(Files.exists(popplerSigned), "pdfsig did not sign: " + added);

        Path both = dir.resolve("poppler-then-signet.pdf");
        signer.sign(popplerSigned, both, identity, PdfSignOptions.at(PadesLevel.B_LT));
        // Trust both roots in one NSS database: poppler's self-signed signer and Signet's test root.
        IndependentCheckers.run(List.of("certutil", "-A", "-d", "sql:" + nss, "-n", "signet-root", "-t", "CT,C,C", "-i",
                Files.writeString(nss.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(pki.root.getEncoded()) + "\n-----END CERTIFICATE-----\n").toString()));
        String report = IndependentCheckers.run(List.of("pdfsig", "-nssdir", "sql:" + nss, both.toString()));
        int valid = report.split("Signature is Valid\\.", -1).length - 1;
        assertEquals(2, valid, report);
        assertTrue(report.contains("adbe.pkcs7.detached") && report.contains("ETSI.CAdES.detached"), report);
        assertEquals("", IndependentCheckers.qpdfErrors(both));
        var dss = IndependentCheckers.dss(both, pki.root);
        assertTrue(dss.stream().anyMatch(r -> r.format().equals("PAdES-BASELINE-LT") && r.passed()), dss.toString());
    }
}
