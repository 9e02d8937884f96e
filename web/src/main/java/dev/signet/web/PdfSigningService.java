package dev.signet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.signing.PdfSignOptions;
import dev.signet.signing.PdfSigner;
import dev.signet.signing.SignedPdf;
import dev.signet.web.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signing a PDF as the server offers it, to the API and the UI alike: the identity's DOCUMENT
 * signer, then the audit entry (the document's SHA-256, the identity, the level, the requester),
 * written before the caller hands a byte of the result out, so a signature that left the server is
 * never missing from the audit chain. Whether the requester may use the identity is the caller's
 * check (a token's or a user's grants).
 */
public final class PdfSigningService {

    private final DocumentSigners identities;
    private final PdfSigner signer;
    private final AuditTrail events;
    private final Path workDir;
    private final long maxDocumentBytes;

    public PdfSigningService(Services s) {
        this.identities = s.documentSigners();
        this.signer = s.pdfSigner();
        this.events = s.auditLog();
        this.workDir = s.signingWorkDir();
        this.maxDocumentBytes = s.config().signing().maxDocumentBytes();
    }

    /** Uploads are limited to this (limits.maxDocumentBytes), apart from the 1 MiB JSON limit. */
    public long maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /** A new temporary file in the process's private signing directory; the caller deletes it. */
    public Path tempFile(String prefix) throws IOException {
        return Files.createTempFile(workDir, prefix, ".tmp");
    }

    /**
     * Signs {@code in} into {@code out} with identity {@code identityId} and audits it.
     *
     * @param requester how the audit chain names the caller ({@code token:...}, {@code user:...})
     */
    public SignedPdf sign(Path in, Path out, String identityId, PdfSignOptions options, String requester) {
        SignedPdf signed = signer.sign(in, out, identities.identity(identityId), options);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("documentSha256", signed.documentSha256());
        details.put("level", signed.level().id());
        details.put("field", signed.fieldName());
        details.put("requester", requester);
        try {
            events.record(new AuditEvent(requester, "document.signed", "signer-identity", identityId,
                    Json.MAPPER.writeValueAsString(details)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return signed;
    }

    /** Deletes a temporary file, quietly: it is in the process's private directory, removed at shutdown anyway. */
    public static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // removed with the work directory at shutdown
            }
        }
    }
}
