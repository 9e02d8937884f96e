package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.VisibleSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;

/**
 * The appearance of a visible signature, built as the one-page template PDFBox merges into the
 * signed document: a widget on the requested page whose appearance stream draws the optional image
 * and the text lines. The font (Liberation Sans, shipped inside PDFBox) is embedded, subset, so the
 * appearance does not depend on the reader's fonts and PDF/A input keeps embedded fonts only.
 */
public final class SignatureAppearance {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final float MARGIN = 3;

    private SignatureAppearance() {
    }

    /** The template document's bytes, for {@code SignatureOptions.setVisualSignature}. */
    public static byte[] template(PDDocument target, VisibleSignature visible, List<String> lines) {
        if (visible.page() > target.getNumberOfPages()) {
            throw new SigningException(Kind.BAD_OPTION, "the visible signature is on page " + visible.page()
                    + " but the document has " + target.getNumberOfPages());
        }
        PDPage targetPage = target.getPage(visible.page() - 1);
        PDRectangle media = targetPage.getMediaBox();
        PDRectangle rect = new PDRectangle(media.getLowerLeftX() + visible.x(), media.getLowerLeftY() + visible.y(),
                visible.width(), visible.height());
        if (rect.getUpperRightX() > media.getUpperRightX() || rect.getUpperRightY() > media.getUpperRightY()) {
            throw new SigningException(Kind.BAD_OPTION, "the visible signature's rectangle leaves the page ("
                    + media.getWidth() + " x " + media.getHeight() + " points)");
        }
        try (PDDocument t = new PDDocument()) {
            PDPage page = new PDPage(media);
            t.addPage(page);
            PDAcroForm form = new PDAcroForm(t);
            t.getDocumentCatalog().setAcroForm(form);
            PDSignatureField field = new PDSignatureField(form);
            PDAnnotationWidget widget = field.getWidgets().get(0);
            form.getFields().add(field);
            form.setSignaturesExist(true);
            form.setAppendOnly(true);
            widget.setRectangle(rect);
            widget.setPage(page);
            widget.setPrinted(true);
            page.getAnnotations().add(widget);

            PDAppearanceStream appearance = new PDAppearanceStream(t);
            appearance.setResources(new PDResources());
            appearance.setBBox(new PDRectangle(rect.getWidth(), rect.getHeight()));
            PDAppearanceDictionary dict = new PDAppearanceDictionary();
            dict.setNormalAppearance(appearance);
            widget.setAppearance(dict);
            draw(t, appearance, rect, visible.image(), lines);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void draw(PDDocument t, PDAppearanceStream appearance, PDRectangle rect, byte[] imageBytes,
                             List<String> lines) throws IOException {
        PDType0Font font;
        try (InputStream in = SignatureAppearance.class.getResourceAsStream(FONT)) {
            if (in == null) {
                throw new IllegalStateException("PDFBox's Liberation Sans is missing from the class path");
            }
            font = PDType0Font.load(t, in, true);
        }
        float textLeft = MARGIN;
        try (PDPageContentStream cs = new PDPageContentStream(t, appearance)) {
            if (imageBytes != null) {
                PDImageXObject image;
                try {
                    image = PDImageXObject.createFromByteArray(t, imageBytes, "signature-image");
                } catch (IOException | IllegalArgumentException e) {
                    throw new SigningException(Kind.BAD_OPTION, "the signature image must be a PNG or JPEG file", e);
                }
                float h = rect.getHeight() - 2 * MARGIN;
                float w = Math.min(h * image.getWidth() / Math.max(1, image.getHeight()), rect.getWidth() / 3);
                cs.drawImage(image, MARGIN, MARGIN, w, h);
                textLeft = 2 * MARGIN + w;
            }
            float size = fontSize(font, lines, rect.getWidth() - textLeft - MARGIN, rect.getHeight() - 2 * MARGIN);
            cs.beginText();
            cs.setFont(font, size);
            cs.setLeading(size * 1.2f);
            cs.newLineAtOffset(textLeft, rect.getHeight() - MARGIN - size);
            for (String line : lines) {
                cs.showText(line);
                cs.newLine();
            }
            cs.endText();
        }
    }

    /** The largest size, at most 10 points, at which every line fits the box. */
    private static float fontSize(PDType0Font font, List<String> lines, float width, float height) throws IOException {
        float size = Math.min(10, height / (lines.size() * 1.2f));
        for (String line : lines) {
            float w = font.getStringWidth(line) / 1000;
            if (w > 0) {
                size = Math.min(size, width / w);
            }
        }
        return Math.max(size, 2);
    }

    /** The lines a visible signature shows. */
    public static List<String> lines(String signer, String date, String reason, String location) {
        List<String> out = new ArrayList<>();
        out.add("Digitally signed by " + signer);
        out.add("Date: " + date);
        if (reason != null) {
            out.add("Reason: " + reason);
        }
        if (location != null) {
            out.add("Location: " + location);
        }
        return out;
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
