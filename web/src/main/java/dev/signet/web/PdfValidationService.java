package dev.signet.web;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.signing.PdfSignatureValidator;
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
 * that file exists (else the default), Signet's own CAs as trust anchors beside the policy's, and an
 * upload streamed to a temporary file under a size limit, deleted when the validation is done.
 */
public final class PdfValidationService implements AutoCloseable {
    /** The largest PDF accepted for validation (64 MiB), as for signing. */
    public static final long MAX_DOCUMENT_BYTES = 64L << 20;
    public static final String POLICY_FILE = "validation-policy.yaml";

    /** Thrown when an upload is larger than {@link #MAX_DOCUMENT_BYTES}. */
    public static final class TooLarge extends IOException {
        TooLarge() {
            super("the PDF is larger than " + (MAX_DOCUMENT_BYTES >> 20) + " MiB");
        }
    }

    private final PdfSignatureValidator validator;
    private final CertificateAuthorities authorities;

    public PdfValidationService(Path dataDir, CertificateAuthorities authorities) {
        Path policyFile = dataDir.resolve(POLICY_FILE);
        this.validator = new PdfSignatureValidator(Files.exists(policyFile) ? ValidationPolicy.load(policyFile) : ValidationPolicy.defaults());
        this.authorities = authorities;
    }

    /** Validates the PDF read from {@code body} against the policy, Signet's CAs and {@code extraAnchorsPem}. */
    public ValidationReport validate(InputStream body, String extraAnchorsPem) throws IOException {
        List<X509Certificate> anchors = new ArrayList<>(signetCas());
        if (extraAnchorsPem != null && !extraAnchorsPem.isBlank()) {
            anchors.addAll(ValidationPolicy.readCertificates(extraAnchorsPem.getBytes(StandardCharsets.US_ASCII)));
        }
        Path file = Files.createTempFile("signet-validate-", ".pdf");
        try {
            copyLimited(body, file);
            return validator.validate(file, anchors);
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

    private static void copyLimited(InputStream in, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > MAX_DOCUMENT_BYTES) throw new TooLarge();
                out.write(buf, 0, n);
            }
        }
    }

    @Override
    public void close() {
        validator.close();
    }
}
