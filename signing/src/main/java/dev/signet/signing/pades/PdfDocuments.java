package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdfparser.PDFParser;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;

/**
 * Opens a PDF for signing, strictly: the file is read from disk on demand (never whole into the
 * heap) and parsed without PDFBox's lenient repairs, because an incremental update appended to a
 * file with a broken cross-reference table would carry the damage into the signed result.
 */
public final class PdfDocuments {

    private static final int HEADER_WINDOW = 1024;

    private PdfDocuments() {
    }

    /** @throws SigningException for a non-PDF, a damaged PDF, XFA, or a missing or wrong password */
    public static PDDocument open(Path file, String password) {
        checkHeader(file);
        RandomAccessRead source = null;
        try {
            source = new RandomAccessReadBufferedFile(file.toFile());
            PDFParser parser = new PDFParser(source, password == null ? "" : password, null, null,
                    IOUtils.createTempFileOnlyStreamCache());
            PDDocument doc = parser.parse(false);
            source = null; // the document owns it now
            try {
                checkSupported(doc);
                return doc;
            } catch (RuntimeException e) {
                doc.close();
                throw e;
            }
        } catch (InvalidPasswordException e) {
            throw password == null || password.isEmpty()
                    ? new SigningException(Kind.PASSWORD_REQUIRED, "the PDF is encrypted: a password is needed to sign it")
                    : new SigningException(Kind.WRONG_PASSWORD, "the password does not open this PDF");
        } catch (IOException | RuntimeException e) {
            if (e instanceof SigningException se) {
                throw se;
            }
            throw new SigningException(Kind.DAMAGED_PDF, "the PDF is damaged and cannot be signed safely: " + reason(e), e);
        } finally {
            closeQuietly(source);
        }
    }

    private static void checkHeader(Path file) {
        byte[] head = new byte[HEADER_WINDOW];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String s = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!s.contains("%PDF-")) {
            throw new SigningException(Kind.NOT_A_PDF, "the document is not a PDF (no %PDF- header)");
        }
    }

    private static void checkSupported(PDDocument doc) {
        if (doc.getDocumentCatalog() == null || doc.getNumberOfPages() == 0) {
            throw new SigningException(Kind.DAMAGED_PDF, "the PDF has no pages");
        }
        PDAcroForm form = doc.getDocumentCatalog().getAcroForm(null);
        if (form != null && form.hasXFA()) {
            throw new SigningException(Kind.UNSUPPORTED_PDF,
                    "the PDF holds an XFA form, whose content a PDF signature cannot protect; flatten it first");
        }
    }

    /**
     * The DocMDP permission (1, 2 or 3) of the document's certification signature, or 0 when it has
     * none (ISO 32000-1 12.8.2.2).
     */
    public static int docMdpPermission(PDDocument doc) {
        COSDictionary perms = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.PERMS);
        if (perms == null) {
            return 0;
        }
        COSDictionary sig = perms.getCOSDictionary(COSName.DOCMDP);
        if (sig == null) {
            return 0;
        }
        COSArray refs = sig.getCOSArray(COSName.getPDFName("Reference"));
        if (refs == null) {
            return 2; // the default P when the transform parameters say nothing
        }
        for (int i = 0; i < refs.size(); i++) {
            COSBase ref = refs.getObject(i);
            if (ref instanceof COSDictionary d && COSName.DOCMDP.equals(d.getCOSName(COSName.TRANSFORM_METHOD))) {
                COSDictionary params = d.getCOSDictionary(COSName.TRANSFORM_PARAMS);
                return params == null ? 2 : params.getInt(COSName.P, 2);
            }
        }
        return 2;
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // PDFBox messages name offsets and objects, never content; keep them short.
        return m.length() > 200 ? m.substring(0, 200) : m;
    }

    private static void closeQuietly(RandomAccessRead r) {
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }
}
