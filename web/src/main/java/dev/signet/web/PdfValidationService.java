package dev.signet.web;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.RevocationSource;
import dev.signet.signing.ValidationException;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PDF validation as the server offers it: the policy from {@code <data>/validation-policy.yaml} when
 * that file exists (else the default), Signet's own CAs as trust anchors beside the policy's,
 * Signet's own current revocation status (its OCSP responder and CRLs, in-process) for certificates
 * of its CAs that the file carries no revocation data for, and an upload streamed to a temporary
 * file in the process's private work directory under {@code limits.maxValidationBytes}, deleted
 * when the validation is done or the upload refused.
 */
public final class PdfValidationService implements AutoCloseable {
    public static final String POLICY_FILE = "validation-policy.yaml";

    /** Thrown when an upload is larger than the limit. */
    public static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the PDF is larger than " + describe(limit) + " (limits.maxValidationBytes)");
        }
    }

    private final PdfSignatureValidator validator;
    private final CertificateAuthorities authorities;
    private final RevocationSource signetRevocation;
    private final long maxDocumentBytes;
    private final Path workDir;

    /**
     * @param signetRevocation Signet's own current revocation status for the certificates its CAs issued
     * @param workDir          where uploads are streamed (private to this process)
     */
    public PdfValidationService(Path dataDir, CertificateAuthorities authorities, RevocationSource signetRevocation,
            long maxDocumentBytes, Path workDir) {
        Path policyFile = dataDir.resolve(POLICY_FILE);
        this.validator = new PdfSignatureValidator(Files.exists(policyFile) ? ValidationPolicy.load(policyFile) : ValidationPolicy.defaults());
        this.authorities = authorities;
        this.signetRevocation = signetRevocation;
        this.maxDocumentBytes = maxDocumentBytes;
        this.workDir = workDir;
    }

    /** The largest PDF accepted, in bytes ({@code limits.maxValidationBytes}). */
    public long maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /** The limit as people read it ("64 MiB", "200000 bytes"). */
    public static String describe(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** Validates the PDF read from {@code body} against the policy, Signet's CAs and {@code extraAnchorsPem}. */
    public ValidationReport validate(InputStream body, String extraAnchorsPem) throws IOException {
        List<X509Certificate> anchors = new ArrayList<>(signetCas());
        if (extraAnchorsPem != null && !extraAnchorsPem.isBlank()) {
            anchors.addAll(ValidationPolicy.readCertificates(extraAnchorsPem.getBytes(StandardCharsets.US_ASCII)));
        }
        Path file = Files.createTempFile(workDir, "signet-validate-", ".pdf");
        try {
            copyLimited(body, file);
            return validator.validate(file, anchors, signetRevocation);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private List<X509Certificate> signetCas() {
        List<X509Certificate> out = new ArrayList<>();
        for (CaInfo ca : authorities.list()) {
            if (ca.certificatePem() == null) continue;
            try {
                out.addAll(ValidationPolicy.readCertificates(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)));
            } catch (ValidationException ignored) {
                // a CA without a usable certificate anchors nothing
            }
        }
        return out;
    }

    private void copyLimited(InputStream in, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxDocumentBytes) throw new TooLarge(maxDocumentBytes);
                out.write(buf, 0, n);
            }
        }
    }

    @Override
    public void close() {
        validator.close();
    }
}
