package dev.signet.signing.pades;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;

/**
 * Adds a document time-stamp (ETSI EN 319 142-1 5.4.3, {@code /SubFilter /ETSI.RFC3161}) over the
 * whole file as it stands, DSS included: what makes a B-LT signature B-LTA, and what re-stamping an
 * LTA file adds before its last time-stamp's certificate expires.
 *
 * @return the DER token that was embedded (its certificates need validation data too)
 */
public final class DocumentTimestampStep {

    private static final COSName ETSI_RFC3161 = COSName.getPDFName("ETSI.RFC3161");

    private DocumentTimestampStep() {
    }

    public static byte[] stamp(Path in, Path out, String password, Timestamps timestamps) {
        try (PDDocument doc = PdfDocuments.open(in, password);
             SignatureOptions sigOptions = new SignatureOptions()) {
            PDSignature sig = new PDSignature();
            sig.setType(COSName.DOC_TIME_STAMP);
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(ETSI_RFC3161);
            int reserved = ContentsSize.forDocumentTimestamp(timestamps);
            sigOptions.setPreferredSignatureSize(reserved);
            doc.addSignature(sig, sigOptions);
            try (OutputStream o = Files.newOutputStream(out)) {
                ExternalSigningSupport external = doc.saveIncrementalForExternalSigning(o);
                byte[] digest = SignatureStep.digest("SHA-256", external.getContent());
                byte[] token = timestamps.fetch("SHA-256", digest);
                if (token.length > reserved) {
                    throw new IllegalStateException("time-stamp of " + token.length + " bytes exceeds the " + reserved
                            + " reserved");
                }
                external.setSignature(token);
                return token;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
