package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input Signet refuses, each with its own kind, and without writing anything or leaving temp files. */
class RefusedDocumentsTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;
    static PdfSigner signer;
    static Path work;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        identity = pki.identity("Refusing Signer", KeyAlgorithm.EC_P256);
        work = Files.createDirectories(dir.resolve("work"));
        signer = pki.pdfSigner(work);
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private void assertRefused(Path in, PdfSignOptions options, SigningException.Kind kind) throws Exception {
        Path out = dir.resolve("out-" + in.getFileName());
        SigningException e = assertThrows(SigningException.class, () -> signer.sign(in, out, identity, options));
        assertEquals(kind, e.kind(), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "temporary files deleted");
        }
    }

    @Test
    void a_file_that_is_not_a_pdf_is_refused_as_such() throws Exception {
        Path in = Files.writeString(dir.resolve("notes.txt"), "just some text, not a PDF\n");
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.NOT_A_PDF);
    }

    @Test
    void a_truncated_pdf_is_refused_as_damaged() throws Exception {
        byte[] whole = Files.readAllBytes(TestPdfs.onePage(dir.resolve("whole.pdf")));
        Path in = Files.write(dir.resolve("truncated.pdf"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.DAMAGED_PDF);
    }

    @Test
    void a_pdf_whose_cross_reference_offset_is_wrong_is_refused_rather_than_repaired() throws Exception {
        String pdf = new String(Files.readAllBytes(TestPdfs.onePage(dir.resolve("xref.pdf"))), StandardCharsets.ISO_8859_1);
        int at = pdf.lastIndexOf("startxref") + "startxref".length();
        String broken = pdf.substring(0, at) + "\n17\n%%EOF\n";
        Path in = Files.write(dir.resolve("broken-xref.pdf"), broken.getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.DAMAGED_PDF);
    }

    @Test
    void a_pdf_with_an_xfa_form_is_refused() throws Exception {
        Path in = dir.resolve("xfa.pdf");
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage());
            PDAcroForm form = new PDAcroForm(doc);
            COSStream xfa = doc.getDocument().createCOSStream();
            try (var o = xfa.createOutputStream()) {
                o.write("<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"></xdp:xdp>".getBytes(StandardCharsets.UTF_8));
            }
            form.getCOSObject().setItem(COSName.XFA, xfa);
            doc.getDocumentCatalog().setAcroForm(form);
            doc.save(in.toFile());
        }
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.UNSUPPORTED_PDF);
    }

    @Test
    void an_encrypted_pdf_without_its_password_is_refused_saying_a_password_is_needed() throws Exception {
        Path in = TestPdfs.encrypted(dir.resolve("locked.pdf"), "user-secret");
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.PASSWORD_REQUIRED);
        assertRefused(in, PdfSignOptions.at(PadesLevel.B_B).withPassword("guess"), SigningException.Kind.WRONG_PASSWORD);
    }

    @Test
    void a_pdf_certified_with_no_changes_allowed_is_not_signed_again() throws Exception {
        Path in = TestPdfs.onePage(dir.resolve("p1-in.pdf"));
        Path certified = dir.resolve("p1.pdf");
        signer.sign(in, certified, identity, PdfSignOptions.at(PadesLevel.B_B).certifying(1));
        assertRefused(certified, PdfSignOptions.at(PadesLevel.B_B), SigningException.Kind.NOT_PERMITTED);
    }

    @Test
    void levels_above_b_b_are_refused_when_no_tsa_is_configured() throws Exception {
        PdfSigner noTsa = new PdfSigner(null, RevocationSource.none(), work, Clock.systemUTC());
        Path in = TestPdfs.onePage(dir.resolve("notsa.pdf"));
        List<String> failures = new ArrayList<>();
        for (PadesLevel level : List.of(PadesLevel.B_T, PadesLevel.B_LT, PadesLevel.B_LTA)) {
            try {
                noTsa.sign(in, dir.resolve("notsa-out.pdf"), identity, PdfSignOptions.at(level));
                failures.add(level + " signed without a TSA");
            } catch (SigningException e) {
                if (e.kind() != SigningException.Kind.TIMESTAMP_UNAVAILABLE) {
                    failures.add(level + ": " + e.kind());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void b_lt_is_refused_when_revocation_data_cannot_be_had() throws Exception {
        PdfSigner noRevocation = new PdfSigner(pki.tsa(), RevocationSource.none(), work, Clock.systemUTC());
        Path in = TestPdfs.onePage(dir.resolve("norev.pdf"));
        Path out = dir.resolve("norev-out.pdf");
        SigningException e = assertThrows(SigningException.class,
                () -> noRevocation.sign(in, out, identity, PdfSignOptions.at(PadesLevel.B_LT)));
        assertEquals(SigningException.Kind.REVOCATION_UNAVAILABLE, e.kind());
        assertFalse(Files.exists(out));
    }
}
