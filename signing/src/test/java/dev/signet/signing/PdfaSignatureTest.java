package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.signet.hsm.KeyAlgorithm;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

/**
 * PDF/A input stays PDF/A as far as the signature is concerned: a PDF/A-2b file that veraPDF (the
 * PDF Association's reference validator) finds compliant is signed invisibly and visibly (text in
 * the embedded font, and an image), at B-B and B-LT, and veraPDF finds every signed file compliant
 * with PDF/A-2b as well.
 */
class PdfaSignatureTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        pki = TestPki.start(dir);
        identity = pki.identity("PDF/A Signer", KeyAlgorithm.EC_P256);
        signer = pki.pdfSigner(dir.resolve("work"));
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    @Test
    void a_pdfa_2b_file_signed_at_b_b_and_b_lt_visibly_or_not_is_still_pdfa_2b_for_verapdf() throws Exception {
        Path in = pdfa2b(dir.resolve("pdfa-in.pdf"));
        assertEquals(List.of(), violations(in), "the input must be PDF/A-2b for the test to mean anything");
        org.junit.jupiter.api.Assertions.assertFalse(violations(TestPdfs.onePage(dir.resolve("plain.pdf"))).isEmpty(),
                "veraPDF finds a plain PDF (no XMP identification, no output intent) not PDF/A-2b");
        record Case(String name, PdfSignOptions options) {}
        List<Case> cases = List.of(
                new Case("B-B invisible", PdfSignOptions.at(PadesLevel.B_B)),
                new Case("B-B visible text", PdfSignOptions.at(PadesLevel.B_B).withReason("Archived")
                        .showing(new VisibleSignature(1, 72, 72, 220, 60, null))),
                new Case("B-B visible image", PdfSignOptions.at(PadesLevel.B_B)
                        .showing(new VisibleSignature(1, 72, 200, 220, 60, VisibleSignatureTest.png()))),
                new Case("B-LT visible text", PdfSignOptions.at(PadesLevel.B_LT)
                        .showing(new VisibleSignature(1, 72, 72, 220, 60, null))));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Path out = dir.resolve(c.name().replace(' ', '-') + ".pdf");
            signer.sign(in, out, identity, c.options());
            List<String> v = violations(out);
            if (!v.isEmpty()) {
                failures.add(c.name() + ": " + v);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** veraPDF's failed PDF/A-2b rules for {@code pdf}, as "clause-test: message", distinct. */
    static List<String> violations(Path pdf) throws Exception {
        try (InputStream in = Files.newInputStream(pdf);
             PDFAParser parser = Foundries.defaultInstance().createParser(in, PDFAFlavour.PDFA_2_B);
             PDFAValidator validator = Foundries.defaultInstance().createValidator(PDFAFlavour.PDFA_2_B, false)) {
            ValidationResult result = validator.validate(parser);
            List<String> out = new ArrayList<>();
            for (TestAssertion a : result.getTestAssertions()) {
                if (a.getStatus() == TestAssertion.Status.FAILED) {
                    String line = a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber() + ": " + a.getMessage();
                    if (!out.contains(line)) {
                        out.add(line);
                    }
                }
            }
            if (out.isEmpty() && !result.isCompliant()) {
                out.add("not compliant, no failed assertion listed");
            }
            return out;
        }
    }

    /** A one-page PDF/A-2b file: text in an embedded font, XMP identification, an sRGB output intent. */
    static Path pdfa2b(Path file) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType0Font font;
            try (InputStream f = PDDocument.class.getResourceAsStream("/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf")) {
                font = PDType0Font.load(doc, f, true);
            }
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 14);
                cs.newLineAtOffset(72, 760);
                cs.showText("A PDF/A-2b document for Signet's signing tests.");
                cs.endText();
            }
            String xmp = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                    + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                    + "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">"
                    + "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n"
                    + "</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>";
            PDMetadata metadata = new PDMetadata(doc);
            metadata.importXMPMetadata(xmp.getBytes(StandardCharsets.UTF_8));
            doc.getDocumentCatalog().setMetadata(metadata);
            PDOutputIntent intent = new PDOutputIntent(doc,
                    new ByteArrayInputStream(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData()));
            intent.setInfo("sRGB IEC61966-2.1");
            intent.setOutputCondition("sRGB IEC61966-2.1");
            intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
            intent.setRegistryName("http://www.color.org");
            doc.getDocumentCatalog().addOutputIntent(intent);
            doc.save(file.toFile());
        }
        return file;
    }
}
