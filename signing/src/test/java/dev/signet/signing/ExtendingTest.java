package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raising signed PDFs to higher levels later, and re-stamping an LTA file; DSS judges the result. */
class ExtendingTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        identity = pki.identity("Extended Signer", KeyAlgorithm.EC_P256);
        signer = pki.pdfSigner(dir.resolve("work"));
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private Path signed(String name, PadesLevel level) throws Exception {
        Path out = dir.resolve(name + ".pdf");
        signer.sign(TestPdfs.onePage(dir.resolve(name + "-in.pdf")), out, identity, PdfSignOptions.at(level));
        return out;
    }

    @Test
    void a_b_b_signature_extended_to_b_t_gets_its_time_from_a_document_time_stamp() throws Exception {
        Path out = dir.resolve("bb-to-bt.pdf");
        signer.extend(signed("bb", PadesLevel.B_B), out, PadesLevel.B_T, null);
        var dss = IndependentCheckers.dss(out, pki.root);
        assertEquals("PAdES-BASELINE-T", dss.get(0).format(), dss.toString());
    }

    @Test
    void a_b_t_signature_extended_to_b_lta_passes_dss() throws Exception {
        Path out = dir.resolve("bt-to-blta.pdf");
        signer.extend(signed("bt", PadesLevel.B_T), out, PadesLevel.B_LTA, null);
        var dss = IndependentCheckers.dss(out, pki.root);
        assertEquals("PAdES-BASELINE-LTA", dss.get(0).format(), dss.toString());
        assertTrue(dss.get(0).passed(), dss.toString());
        assertEquals("", IndependentCheckers.qpdfErrors(out));
    }

    @Test
    void an_lta_file_is_re_stamped_with_a_further_document_time_stamp_and_stays_valid() throws Exception {
        Path out = dir.resolve("lta-again.pdf");
        Path lta = signed("lta", PadesLevel.B_LTA);
        signer.extend(lta, out, PadesLevel.B_LTA, null);
        try (PDDocument doc = Loader.loadPDF(out.toFile())) {
            assertEquals(3, doc.getSignatureDictionaries().size(), "signature and two document time-stamps");
        }
        var dss = IndependentCheckers.dss(out, pki.root);
        assertEquals("PAdES-BASELINE-LTA", dss.get(0).format(), dss.toString());
        assertTrue(dss.get(0).passed(), dss.toString());
        assertTrue(dss.stream().filter(r -> r.format().equals("TIMESTAMP")).allMatch(IndependentCheckers.DssResult::passed),
                dss.toString());
    }

    @Test
    void an_unsigned_pdf_cannot_be_extended() throws Exception {
        Path in = TestPdfs.onePage(dir.resolve("unsigned.pdf"));
        SigningException e = org.junit.jupiter.api.Assertions.assertThrows(SigningException.class,
                () -> signer.extend(in, dir.resolve("never.pdf"), PadesLevel.B_LT, null));
        assertEquals(SigningException.Kind.BAD_OPTION, e.kind());
    }
}
