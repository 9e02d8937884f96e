package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Visible signatures: a rectangle on a page, text in an embedded font, an optional image. */
class VisibleSignatureTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        identity = pki.identity("Visible Signer", KeyAlgorithm.EC_P256);
        signer = pki.pdfSigner(dir.resolve("work"));
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 20; y++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 12) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static List<String> problems(Path pdf, boolean withImage) throws Exception {
        List<String> problems = new ArrayList<>();
        String report = IndependentCheckers.pdfsig(pdf, pki.root, dir);
        if (!report.contains("Signature is Valid.") || !report.contains("Certificate is Trusted.")) {
            problems.add("pdfsig: " + report);
        }
        String qpdf = IndependentCheckers.qpdfErrors(pdf);
        if (!qpdf.isEmpty()) {
            problems.add("qpdf: " + qpdf);
        }
        var dss = IndependentCheckers.dss(pdf, pki.root);
        if (!dss.get(0).format().equals("PAdES-BASELINE-LT") || !dss.get(0).passed()) {
            problems.add("DSS: " + dss);
        }
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            PDSignatureField field = doc.getSignatureFields().get(0);
            var widget = field.getWidgets().get(0);
            if (widget.getRectangle().getWidth() != 200 || widget.getPage() == null) {
                problems.add("widget " + widget.getRectangle() + " on " + widget.getPage());
            }
            PDAppearanceStream ap = widget.getAppearance().getNormalAppearance().getAppearanceStream();
            boolean embedded = false;
            for (var name : ap.getResources().getFontNames()) {
                PDFont f = ap.getResources().getFont(name);
                embedded |= f.isEmbedded();
            }
            if (!embedded) {
                problems.add("the appearance's font is not embedded");
            }
            int images = 0;
            for (var name : ap.getResources().getXObjectNames()) {
                images += ap.getResources().isImageXObject(name) ? 1 : 0;
            }
            if (images != (withImage ? 1 : 0)) {
                problems.add(images + " images in the appearance");
            }
        }
        return problems;
    }

    @Test
    void a_visible_signature_with_text_only_is_valid_and_embeds_its_font() throws Exception {
        Path out = dir.resolve("visible.pdf");
        signer.sign(TestPdfs.onePage(dir.resolve("visible-in.pdf")), out, identity, PdfSignOptions.at(PadesLevel.B_LT)
                .withReason("I agree").withLocation("Paris").showing(new VisibleSignature(1, 72, 72, 200, 50, null)));
        assertEquals(List.of(), problems(out, false));
    }

    @Test
    void a_visible_signature_may_show_an_image() throws Exception {
        Path out = dir.resolve("visible-image.pdf");
        signer.sign(TestPdfs.onePage(dir.resolve("image-in.pdf")), out, identity,
                PdfSignOptions.at(PadesLevel.B_LT).showing(new VisibleSignature(1, 300, 600, 200, 60, png())));
        assertEquals(List.of(), problems(out, true));
    }

    @Test
    void a_jpeg_image_is_shown_as_well() throws Exception {
        BufferedImage img = new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        Path out = dir.resolve("visible-jpeg.pdf");
        signer.sign(TestPdfs.onePage(dir.resolve("jpeg-in.pdf")), out, identity,
                PdfSignOptions.at(PadesLevel.B_LT).showing(new VisibleSignature(1, 300, 600, 200, 60, jpeg.toByteArray())));
        assertEquals(List.of(), problems(out, true));
    }

    @Test
    void images_that_are_not_png_or_jpeg_too_large_damaged_or_bombs_are_refused_before_decoding() throws Exception {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "gif", gif);
        byte[] damaged = java.util.Arrays.copyOf(png(), 20); // PNG signature, truncated header
        byte[] huge = new byte[dev.signet.signing.pades.SignatureImages.MAX_BYTES + 1];
        System.arraycopy(png(), 0, huge, 0, 8);
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("text", "not an image".getBytes());
        bad.put("gif", gif.toByteArray());
        bad.put("empty", new byte[0]);
        bad.put("damaged png", damaged);
        bad.put("over 512 KiB", huge);
        bad.put("100000 x 100000 pixels", bomb());
        List<String> problems = new ArrayList<>();
        for (var e : bad.entrySet()) {
            try {
                new VisibleSignature(1, 72, 72, 200, 50, e.getValue());
                problems.add(e.getKey() + " was accepted");
            } catch (SigningException x) {
                if (x.kind() != SigningException.Kind.BAD_OPTION) {
                    problems.add(e.getKey() + ": " + x.kind());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** A valid PNG header declaring 100000 x 100000 pixels: a few bytes that would decode into 40 GB. */
    private static byte[] bomb() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(100000).putInt(100000)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(4 + 13).put("IHDR".getBytes()).put(ihdr.array());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array());
        out.write(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        out.write(chunk.array());
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    @Test
    void a_rectangle_off_the_page_or_a_missing_page_is_refused() throws Exception {
        Path in = TestPdfs.onePage(dir.resolve("bad-in.pdf"));
        List<VisibleSignature> bad = List.of(new VisibleSignature(2, 72, 72, 200, 50, null),
                new VisibleSignature(1, 500, 800, 200, 50, null));
        for (VisibleSignature v : bad) {
            SigningException e = assertThrows(SigningException.class,
                    () -> signer.sign(in, dir.resolve("bad.pdf"), identity, PdfSignOptions.at(PadesLevel.B_B).showing(v)));
            assertEquals(SigningException.Kind.BAD_OPTION, e.kind(), e.getMessage());
        }
        assertTrue(Files.notExists(dir.resolve("bad.pdf")));
    }
}
