package dev.signet.signing.pades;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Adds (or extends) the Document Security Store (ETSI EN 319 142-1 5.4, ISO 32000-2 12.8.4.3) in an
 * incremental update: /Certs, /OCSPs and /CRLs arrays of streams. What is already there is kept,
 * and nothing is added twice.
 */
public final class DssStep {

    private static final COSName CERTS = COSName.getPDFName("Certs");
    private static final COSName OCSPS = COSName.getPDFName("OCSPs");
    private static final COSName CRLS = COSName.getPDFName("CRLs");

    private DssStep() {
    }

    public static void append(Path in, Path out, String password, ValidationData data) {
        try (PDDocument doc = PdfDocuments.open(in, password)) {
            COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
            COSDictionary dss = catalog.getCOSDictionary(COSName.DSS);
            if (dss == null) {
                dss = new COSDictionary();
                dss.setDirect(false);
                catalog.setItem(COSName.DSS, dss);
            }
            addAll(doc, dss, CERTS, data.certificates());
            addAll(doc, dss, OCSPS, data.ocspResponses());
            addAll(doc, dss, CRLS, data.crls());
            dss.setNeedToBeUpdated(true);
            catalog.setNeedToBeUpdated(true);
            try (OutputStream o = Files.newOutputStream(out)) {
                doc.saveIncremental(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addAll(PDDocument doc, COSDictionary dss, COSName key, List<byte[]> items) throws IOException {
        COSArray array = dss.getCOSArray(key);
        if (array == null) {
            array = new COSArray();
            dss.setItem(key, array);
        }
        List<byte[]> present = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            COSBase b = array.getObject(i);
            if (b instanceof COSStream s) {
                try (InputStream is = s.createInputStream()) {
                    present.add(is.readAllBytes());
                }
            }
        }
        for (byte[] der : items) {
            if (present.stream().anyMatch(p -> Arrays.equals(p, der))) {
                continue;
            }
            COSStream stream = doc.getDocument().createCOSStream();
            try (OutputStream os = stream.createOutputStream(COSName.FLATE_DECODE)) {
                os.write(der);
            }
            array.add(stream);
            present.add(der);
        }
        array.setNeedToBeUpdated(true);
    }
}
