package dev.signet.signing.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.signing.Indication;
import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published attacks on PDF signatures, each built here with PDFBox or by editing bytes. For each:
 * the untouched file validates (the control), the attacked one is never TOTAL_PASSED for the signature
 * whose content was changed. References: Mladenov et al., "1 Trillion Dollar Refund: How To Spoof PDF
 * Signatures" (CCS 2019: USF, ISA, SWA); Mainka et al., "Shadow Attacks" (NDSS 2021: hide, replace,
 * hide-and-replace); Rohlmann et al., "Breaking the Specification: PDF Certification" (S&P 2021: EAA, SSA).
 */
class AttackTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued alice;
    static PdfSignatureValidator validator;

    @BeforeAll
    static void setUp() {
        pki = new TestPki("Attacks");
        alice = pki.signer("Alice");
        // revocation not required: the controls are TOTAL_PASSED, so a verdict that is not shows the attack was caught
        validator = new PdfSignatureValidator(ValidationPolicy.defaults().withRevocationRequired(false)
                .withTrustAnchors(List.of(pki.root.certificate())));
    }

    @AfterAll
    static void tearDown() {
        validator.close();
    }

    static TestPdfs.Sig sig() {
        return new TestPdfs.Sig(alice, pki.root.certificate());
    }

    static ValidationReport validate(byte[] pdf) throws IOException {
        Path f = Files.createTempFile(dir, "attack", ".pdf");
        Files.write(f, pdf);
        return validator.validate(f);
    }

    static SignatureReport first(ValidationReport r) {
        assertTrue(r.validatable(), "cannot be validated: " + r.problem());
        return r.signatures().get(0);
    }

    static void assertNeverPassed(ValidationReport r) {
        for (SignatureReport s : r.signatures()) {
            assertNotEquals(Indication.TOTAL_PASSED, s.indication(), s.fieldName() + " passed: " + s.reasons() + " " + s.changes());
        }
    }

    static byte[] signed(byte[] doc) throws IOException {
        byte[] s = TestPdfs.sign(doc, sig());
        assertEquals(Indication.TOTAL_PASSED, first(validate(s)).indication(), "control: the untouched signed file is valid");
        return s;
    }

    static byte[] certified(byte[] doc, int p) throws IOException {
        TestPdfs.Sig s = sig();
        s.docMdp = p;
        byte[] out = TestPdfs.sign(doc, s);
        assertEquals(Indication.TOTAL_PASSED, first(validate(out)).indication(), "control: the untouched certified file is valid");
        return out;
    }

    static byte[] replace(byte[] pdf, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(f.length, t.length, "byte edits keep the length");
        byte[] out = pdf.clone();
        int at = Corpus.indexOf(out, f);
        assertTrue(at >= 0, from + " not found");
        System.arraycopy(t, 0, out, at, t.length);
        return out;
    }

    static String byteRange(byte[] pdf) {
        int at = Corpus.indexOf(pdf, "/ByteRange [".getBytes());
        int end = at;
        while (pdf[end] != ']') end++;
        return new String(pdf, at, end - at + 1, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ USF (CCS 2019, section 4)

    @Test
    void usf_a_signature_without_byte_range_is_not_passed() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR", false));
        ValidationReport r = validate(replace(s, "/ByteRange [", "/ByteRangX ["));
        assertNeverPassed(r);
    }

    @Test
    void usf_a_byte_range_that_covers_nothing_is_not_passed() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR", false));
        String br = byteRange(s);
        String empty = "/ByteRange [0 0 0 0]";
        ValidationReport r = validate(replace(s, br, empty + " ".repeat(br.length() - empty.length())));
        assertNeverPassed(r);
        assertEquals("FORMAT_FAILURE", String.valueOf(first(r).subIndication()));
    }

    @Test
    void usf_a_signature_whose_contents_are_zeroes_is_not_passed() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR", false));
        byte[] z = s.clone();
        int at = Corpus.indexOf(z, "/Contents <".getBytes()) + "/Contents <".length();
        while (z[at] != '>') z[at++] = '0';
        assertNeverPassed(validate(z));
    }

    // ------------------------------------------------------------------ ISA (CCS 2019, section 5)

    @Test
    void isa_page_content_replaced_in_an_incremental_update_fails_the_signature() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR to Alice", false));
        SignatureReport r = first(validate(TestPdfs.changePageContent(s, "Pay 9999 EUR to Mallory")));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
        assertEquals("disallowed", r.changesAfterSigning());
        assertEquals(false, r.coversWholeDocument());
    }

    @Test
    void isa_objects_appended_without_xref_or_trailer_are_disallowed_changes() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR to Alice", false));
        byte[] tail = "\n4 0 obj\n<< /Length 44 >>\nstream\nBT /F1 14 Tf 72 720 Td (Pay 9999 EUR) Tj ET\nendstream\nendobj\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] attacked = new byte[s.length + tail.length];
        System.arraycopy(s, 0, attacked, 0, s.length);
        System.arraycopy(tail, 0, attacked, s.length, tail.length);
        ValidationReport r = validate(attacked);
        assertNeverPassed(r);
    }

    // ------------------------------------------------------------------ SWA (CCS 2019, section 6)

    @Test
    void swa_an_object_smuggled_into_the_unsigned_contents_gap_is_not_passed() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR to Alice", false));
        byte[] w = s.clone();
        int start = Corpus.indexOf(w, "/Contents <".getBytes()) + "/Contents ".length();
        int end = start;
        while (w[end] != '>') end++;
        int used = end;
        while (w[used - 1] == '0') used--;
        // keep the CMS, close the hex string early, and put an object where the padding was
        byte[] smuggled = ">\n99 0 obj\n(Pay 9999 EUR to Mallory)\nendobj\n<".getBytes(StandardCharsets.ISO_8859_1);
        int at = (used - start) % 2 == 0 ? used + 1 : used; // after the last CMS hex digit pair
        if (at + smuggled.length < end) System.arraycopy(smuggled, 0, w, at, smuggled.length);
        assertNeverPassed(validate(w));
    }

    // ------------------------------------------------------------------ shadow attacks (NDSS 2021)

    /** Page content [text, overlay]: the overlay hides "Pay 9999 EUR to Mallory" under a white box showing the real text. */
    static byte[] documentWithOverlay() throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 14);
                cs.newLineAtOffset(72, 720);
                cs.showText("Pay 9999 EUR to Mallory");
                cs.endText();
            }
            try (PDPageContentStream cs = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND, false)) {
                cs.setNonStrokingColor(1f, 1f, 1f);
                cs.addRect(60, 700, 400, 40);
                cs.fill();
                cs.setNonStrokingColor(0f, 0f, 0f);
                cs.beginText();
                cs.setFont(font, 14);
                cs.newLineAtOffset(72, 720);
                cs.showText("Pay 100 EUR to Alice");
                cs.endText();
            }
            // a hidden second page, not in the page tree, for hide-and-replace
            PDPage shadow = new PDPage(PDRectangle.A4);
            try (PDPageContentStream cs = new PDPageContentStream(doc, shadow)) {
                cs.beginText();
                cs.setFont(font, 14);
                cs.newLineAtOffset(72, 720);
                cs.showText("Shadow: Pay 9999 EUR to Mallory");
                cs.endText();
            }
            shadow.getCOSObject().setItem(COSName.PARENT, doc.getPages().getCOSObject());
            doc.getDocumentCatalog().getCOSObject().setItem(COSName.getPDFName("ShadowPage"), shadow);
            return TestPdfs.save(doc);
        }
    }

    @Test
    void shadow_hide_removing_the_signed_overlay_by_reusing_a_signed_object_fails_the_signature() throws Exception {
        byte[] s = signed(documentWithOverlay());
        byte[] attacked;
        try (PDDocument doc = Loader.loadPDF(s)) {
            COSDictionary page = doc.getPage(0).getCOSObject();
            COSArray contents = (COSArray) page.getDictionaryObject(COSName.CONTENTS);
            page.setItem(COSName.CONTENTS, contents.get(0)); // the update adds no content: it only drops the overlay
            page.setNeedToBeUpdated(true);
            attacked = TestPdfs.saveIncremental(doc);
        }
        SignatureReport r = first(validate(attacked));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
        assertEquals("disallowed", r.changesAfterSigning());
    }

    @Test
    void shadow_replace_redefining_the_font_after_signing_fails_the_signature() throws Exception {
        byte[] s = signed(TestPdfs.document("Pay 100 EUR to Alice", false));
        byte[] attacked;
        try (PDDocument doc = Loader.loadPDF(s)) {
            PDResources res = doc.getPage(0).getResources();
            COSName name = res.getFontNames().iterator().next();
            res.put(name, new PDType1Font(Standard14Fonts.FontName.COURIER));
            res.getCOSObject().setNeedToBeUpdated(true);
            doc.getPage(0).getCOSObject().setNeedToBeUpdated(true);
            attacked = TestPdfs.saveIncremental(doc);
        }
        SignatureReport r = first(validate(attacked));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
        assertEquals("disallowed", r.changesAfterSigning());
    }

    @Test
    void shadow_replace_via_a_form_field_is_reported_as_form_filling_and_names_the_field() throws Exception {
        // an approval signature without locks permits form filling (ISO 32000-1 12.8.2.2.2): the verdict stays valid,
        // but the report says the document changed after signing and which field, so nothing is hidden
        byte[] s = signed(TestPdfs.document("Amount:", true));
        SignatureReport r = first(validate(TestPdfs.fillField(s, "9999 EUR")));
        assertEquals("allowed", r.changesAfterSigning());
        assertEquals(false, r.coversWholeDocument());
        assertTrue(r.changes().stream().anyMatch(c -> c.contains("'amount'")), r.changes().toString());
    }

    @Test
    void shadow_hide_and_replace_swapping_in_a_hidden_page_tree_fails_the_signature() throws Exception {
        byte[] s = signed(documentWithOverlay());
        byte[] attacked;
        try (PDDocument doc = Loader.loadPDF(s)) {
            COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
            COSDictionary shadow = (COSDictionary) catalog.getDictionaryObject(COSName.getPDFName("ShadowPage"));
            COSDictionary pages = doc.getPages().getCOSObject();
            COSArray kids = new COSArray();
            kids.add(shadow); // already signed, never shown
            pages.setItem(COSName.KIDS, kids);
            pages.setNeedToBeUpdated(true);
            attacked = TestPdfs.saveIncremental(doc);
        }
        SignatureReport r = first(validate(attacked));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
        assertEquals("disallowed", r.changesAfterSigning());
    }

    // ------------------------------------------------------------------ certification attacks (S&P 2021)

    static byte[] addFreeText(byte[] pdf, String text) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            COSDictionary page = doc.getPage(0).getCOSObject();
            COSDictionary annot = new COSDictionary();
            annot.setItem(COSName.TYPE, COSName.ANNOT);
            annot.setItem(COSName.SUBTYPE, COSName.getPDFName("FreeText"));
            annot.setItem(COSName.RECT, new PDRectangle(60, 700, 400, 40).getCOSObject());
            annot.setItem(COSName.CONTENTS, new COSString(text));
            annot.setString(COSName.DA, "/Helv 14 Tf 0 g");
            COSArray annots = page.getDictionaryObject(COSName.ANNOTS) instanceof COSArray a ? a : new COSArray();
            annots.add(annot);
            annots.setNeedToBeUpdated(true);
            annot.setNeedToBeUpdated(true);
            page.setItem(COSName.ANNOTS, annots);
            page.setNeedToBeUpdated(true);
            return TestPdfs.saveIncremental(doc);
        }
    }

    @Test
    void eaa_a_free_text_annotation_after_a_p2_certification_fails_it() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 2);
        SignatureReport r = first(validate(addFreeText(c, "Pay 9999 EUR to Mallory")));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
        assertEquals("disallowed", r.changesAfterSigning());
    }

    @Test
    void eaa_a_free_text_annotation_after_a_p1_certification_fails_it() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 1);
        SignatureReport r = first(validate(addFreeText(c, "Pay 9999 EUR to Mallory")));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
    }

    @Test
    void a_p3_certification_allows_annotations_and_says_so() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 3);
        SignatureReport r = first(validate(addFreeText(c, "reviewed")));
        assertEquals(Indication.TOTAL_PASSED, r.indication());
        assertEquals("allowed", r.changesAfterSigning());
    }

    @Test
    void ssa_a_visible_signature_field_added_after_a_p2_certification_fails_it() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 2);
        byte[] attacked;
        try (PDDocument doc = Loader.loadPDF(c)) {
            COSDictionary page = doc.getPage(0).getCOSObject();
            COSStream ap = doc.getDocument().createCOSStream();
            ap.setItem(COSName.TYPE, COSName.XOBJECT);
            ap.setItem(COSName.SUBTYPE, COSName.FORM);
            ap.setItem(COSName.BBOX, new PDRectangle(0, 0, 400, 40).getCOSObject());
            try (OutputStream o = ap.createOutputStream()) {
                o.write("1 g 0 0 400 40 re f 0 g BT /Helv 14 Tf 12 20 Td (Pay 9999 EUR to Mallory) Tj ET".getBytes());
            }
            COSDictionary apDict = new COSDictionary();
            apDict.setItem(COSName.N, ap);
            COSDictionary sigDict = new COSDictionary();
            sigDict.setItem(COSName.TYPE, COSName.SIG);
            sigDict.setItem(COSName.FILTER, COSName.getPDFName("Adobe.PPKLite"));
            sigDict.setItem(COSName.SUB_FILTER, COSName.getPDFName("adbe.pkcs7.detached"));
            sigDict.setItem(COSName.CONTENTS, new COSString(new byte[16]));
            COSDictionary field = new COSDictionary();
            field.setItem(COSName.TYPE, COSName.ANNOT);
            field.setItem(COSName.SUBTYPE, COSName.WIDGET);
            field.setItem(COSName.FT, COSName.SIG);
            field.setString(COSName.T, "Sneaky");
            field.setItem(COSName.RECT, new PDRectangle(60, 700, 400, 40).getCOSObject());
            field.setInt(COSName.F, 4);
            field.setItem(COSName.AP, apDict);
            field.setItem(COSName.V, sigDict);
            field.setItem(COSName.P, page);
            COSArray annots = page.getDictionaryObject(COSName.ANNOTS) instanceof COSArray a ? a : new COSArray();
            annots.add(field);
            page.setItem(COSName.ANNOTS, annots);
            COSDictionary form = doc.getDocumentCatalog().getAcroForm().getCOSObject();
            COSArray fields = (COSArray) form.getDictionaryObject(COSName.FIELDS);
            fields.add(field);
            for (COSDictionary d : List.of(page, form, field, sigDict, apDict)) d.setNeedToBeUpdated(true);
            annots.setNeedToBeUpdated(true);
            fields.setNeedToBeUpdated(true);
            ap.setNeedToBeUpdated(true);
            attacked = TestPdfs.saveIncremental(doc);
        }
        ValidationReport report = validate(attacked);
        assertNeverPassed(report);
        SignatureReport certification = report.signatures().stream().filter(s -> !s.fieldName().equals("Sneaky")).findFirst().orElseThrow();
        assertEquals("disallowed", certification.changesAfterSigning());
    }

    @Test
    void a_second_invisible_signature_after_a_p2_certification_is_allowed() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 2);
        TestPdfs.Sig second = sig();
        byte[] twice = TestPdfs.sign(c, second);
        ValidationReport r = validate(twice);
        assertEquals(2, r.signatures().size());
        assertEquals("allowed", r.signatures().get(0).changesAfterSigning(), r.signatures().get(0).changes().toString());
        for (SignatureReport s : r.signatures()) assertEquals(Indication.TOTAL_PASSED, s.indication(), s.reasons().toString());
    }

    @Test
    void a_second_signature_after_a_p1_certification_fails_the_certification() throws Exception {
        byte[] c = certified(TestPdfs.document("Pay 100 EUR to Alice", false), 1);
        ValidationReport r = validate(TestPdfs.sign(c, sig()));
        assertEquals(Indication.TOTAL_FAILED, r.signatures().get(0).indication());
    }

    @Test
    void form_filling_after_a_p1_certification_fails_it() throws Exception {
        byte[] c = certified(TestPdfs.document("Amount:", true), 1);
        SignatureReport r = first(validate(TestPdfs.fillField(c, "9999 EUR")));
        assertEquals(Indication.TOTAL_FAILED, r.indication());
    }

    @Test
    void form_filling_after_a_p2_certification_is_allowed() throws Exception {
        byte[] c = certified(TestPdfs.document("Amount:", true), 2);
        SignatureReport r = first(validate(TestPdfs.fillField(c, "120 EUR")));
        assertEquals("allowed", r.changesAfterSigning(), r.changes().toString());
        assertEquals(Indication.TOTAL_PASSED, r.indication());
    }
}
