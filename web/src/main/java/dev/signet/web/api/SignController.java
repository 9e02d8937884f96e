package dev.signet.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import dev.signet.signing.CadesSigner;
import dev.signet.signing.PadesLevel;
import dev.signet.signing.PdfSignOptions;
import dev.signet.signing.PdfSigner;
import dev.signet.signing.SignedPdf;
import dev.signet.signing.SigningIdentity;
import dev.signet.signing.VisibleSignature;
import dev.signet.web.DocumentSigners;
import dev.signet.web.PdfSigningService;
import dev.signet.web.auth.Principal;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.ProblemType;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/sign/pdf?identity=&level=}: the PDF in the body is streamed to a temporary
 * file (with its own size limit), signed there, audited, then streamed back. Both temporary files
 * are deleted on every path, refusals and broken connections included.
 */
public final class SignController {

    /** The PDF's password travels in a header, not the query string, which ends up in logs. */
    public static final String PASSWORD_HEADER = "Signet-Pdf-Password";

    /** Room for a multipart body's boundaries and part headers beside the document and the image. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final PdfSigningService signing;
    private final PdfSigner signer;
    private final DocumentSigners identities;
    private final CadesSigner cades;
    private final AuditTrail events;
    private final SecurityAudit refusals;
    private final Path workDir;
    private final long maxDocumentBytes;

    public SignController(PdfSigningService signing, DocumentSigners identities, PdfSigner signer, CadesSigner cades,
                          AuditTrail events, SecurityAudit refusals, Path workDir, long maxDocumentBytes) {
        this.signing = signing;
        this.identities = identities;
        this.signer = signer;
        this.cades = cades;
        this.events = events;
        this.refusals = refusals;
        this.workDir = workDir;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    public void signPdf(Context ctx) {
        Principal caller = Guard.principal(ctx);
        String identityId = ctx.queryParam("identity");
        if (identityId == null || identityId.isBlank()) {
            throw ApiException.badRequest("query parameter 'identity' is required");
        }
        if (!caller.identities().contains(identityId)) {
            refusals.refused(caller.actor(), ctx.method().name(), ctx.path(), 403, "identity " + identityId + " not granted");
            throw new ApiException(ProblemType.FORBIDDEN, "this token may not sign with identity '" + identityId + "'");
        }
        PdfSignOptions options = options(ctx);
        boolean multipart = isMultipart(ctx);
        if (multipart) {
            if (ctx.req().getContentLengthLong() > maxDocumentBytes + VisibleSignature.MAX_IMAGE_BYTES + MULTIPART_OVERHEAD) {
                throw tooLarge();
            }
        } else {
            checkBody(ctx);
        }
        Path in = null;
        Path out = null;
        try {
            in = signing.tempFile("upload-");
            out = signing.tempFile("signed-");
            if (multipart) {
                options = receiveParts(ctx, in, options);
            } else {
                receive(ctx, in);
            }
            // Audited (by the service) before a byte goes back: a signature the audit chain lacks is never handed out.
            signing.sign(in, out, identityId, options, caller.actor());
            sendPdf(ctx, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(in);
            delete(out);
        }
    }

    private static boolean isMultipart(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * A {@code multipart/form-data} body: part {@code pdf} (the document) and optional part
     * {@code image} (PNG or JPEG, for a visible signature, which {@code visibleRect} places).
     */
    private PdfSignOptions receiveParts(Context ctx, Path in, PdfSignOptions options) throws IOException {
        UploadedFile pdf = ctx.uploadedFile("pdf");
        if (pdf == null || pdf.size() == 0) {
            throw ApiException.badRequest("a multipart body needs a part 'pdf' with the PDF to sign");
        }
        if (pdf.size() > maxDocumentBytes) {
            throw tooLarge();
        }
        try (InputStream body = pdf.content()) {
            copyLimited(body, in);
        }
        UploadedFile image = ctx.uploadedFile("image");
        if (image == null || image.size() == 0) {
            return options;
        }
        VisibleSignature v = options.visible();
        if (v == null) {
            throw ApiException.badRequest("an image is shown only in a visible signature: give visibleRect (and visiblePage)");
        }
        if (image.size() > VisibleSignature.MAX_IMAGE_BYTES) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                    "the signature image is limited to " + VisibleSignature.MAX_IMAGE_BYTES + " bytes");
        }
        byte[] bytes;
        try (InputStream body = image.content()) {
            bytes = body.readNBytes(VisibleSignature.MAX_IMAGE_BYTES + 1);
        }
        // The record checks the image (PNG or JPEG, its size in pixels) before anything decodes it.
        return options.showing(new VisibleSignature(v.page(), v.x(), v.y(), v.width(), v.height(), bytes));
    }

    /**
     * {@code POST /api/v1/sign/cades?identity=&level=B-B|B-T|B-LT}: a detached CAdES signature over the
     * body (any file), returned as {@code application/pkcs7-signature} (DER).
     */
    public void signCades(Context ctx) {
        Principal caller = Guard.principal(ctx);
        String identityId = ctx.queryParam("identity");
        if (identityId == null || identityId.isBlank()) {
            throw ApiException.badRequest("query parameter 'identity' is required");
        }
        if (!caller.identities().contains(identityId)) {
            refusals.refused(caller.actor(), ctx.method().name(), ctx.path(), 403, "identity " + identityId + " not granted");
            throw new ApiException(ProblemType.FORBIDDEN, "this token may not sign with identity '" + identityId + "'");
        }
        PadesLevel level;
        try {
            level = PadesLevel.parse(ctx.queryParam("level") == null ? "B-B" : ctx.queryParam("level"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (ctx.req().getContentLengthLong() > maxDocumentBytes) {
            throw tooLarge();
        }
        SigningIdentity identity = identities.identity(identityId);
        Path in = null;
        try {
            in = Files.createTempFile(workDir, "upload-", ".bin");
            receive(ctx, in);
            byte[] p7s = cades.sign(in, identity, level);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("documentSha256", sha256(in));
            details.put("level", level.id());
            details.put("format", "CAdES-detached");
            details.put("requester", caller.actor());
            record(caller, "document.signed", "signer-identity", identityId, details);
            ctx.status(200);
            ctx.contentType("application/pkcs7-signature");
            ctx.header("Content-Disposition", "attachment; filename=\"signature.p7s\"");
            ctx.result(p7s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(in);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code POST /api/v1/extend/pdf?level=}: raises an already signed PDF to B-T, B-LT or B-LTA (or
     * re-stamps a B-LTA file) without a new signature, so it needs no identity.
     */
    public void extendPdf(Context ctx) {
        Principal caller = Guard.principal(ctx);
        PadesLevel level;
        try {
            level = PadesLevel.parse(ctx.queryParam("level") == null ? "" : ctx.queryParam("level"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        checkBody(ctx);
        Path in = null;
        Path out = null;
        try {
            in = Files.createTempFile(workDir, "upload-", ".pdf");
            out = Files.createTempFile(workDir, "extended-", ".pdf");
            receive(ctx, in);
            SignedPdf extended = signer.extend(in, out, level, ctx.header(PASSWORD_HEADER));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("documentSha256", extended.documentSha256());
            details.put("level", level.id());
            details.put("requester", caller.actor());
            record(caller, "document.extended", "document", extended.documentSha256(), details);
            sendPdf(ctx, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(in);
            delete(out);
        }
    }

    private void checkBody(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/pdf")) {
            throw ApiException.unsupportedMediaType("the body must be the PDF itself, Content-Type: application/pdf");
        }
        if (ctx.req().getContentLengthLong() > maxDocumentBytes) {
            throw tooLarge();
        }
    }

    private static void sendPdf(Context ctx, Path file) throws IOException {
        ctx.status(200);
        ctx.contentType("application/pdf");
        ctx.header("Content-Disposition", "attachment; filename=\"signed.pdf\"");
        // Sent as it is, with its length: compressing for an Accept-Encoding client broke the Content-Length.
        ctx.disableCompression();
        ctx.header("Content-Length", Long.toString(Files.size(file)));
        try (OutputStream o = ctx.outputStream()) {
            Files.copy(file, o);
        }
    }

    private static PdfSignOptions options(Context ctx) {
        PadesLevel level;
        try {
            level = PadesLevel.parse(ctx.queryParam("level") == null ? "B-B" : ctx.queryParam("level"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        int certification = 0;
        String c = ctx.queryParam("certification");
        if (c != null && !c.isBlank()) {
            try {
                certification = Integer.parseInt(c);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("certification must be 1, 2 or 3");
            }
        }
        return new PdfSignOptions(level, ctx.header(PASSWORD_HEADER), bounded(ctx.queryParam("reason")),
                bounded(ctx.queryParam("location")), certification, visible(ctx));
    }

    /** {@code visiblePage=N&visibleRect=x,y,width,height} (points from the page's lower-left corner). */
    private static VisibleSignature visible(Context ctx) {
        String rect = ctx.queryParam("visibleRect");
        if (rect == null || rect.isBlank()) {
            return null;
        }
        String[] f = rect.split(",");
        try {
            int page = ctx.queryParam("visiblePage") == null ? 1 : Integer.parseInt(ctx.queryParam("visiblePage"));
            if (f.length != 4) {
                throw new NumberFormatException();
            }
            return new VisibleSignature(page, Float.parseFloat(f[0]), Float.parseFloat(f[1]), Float.parseFloat(f[2]),
                    Float.parseFloat(f[3]), null);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("visibleRect is x,y,width,height in points and visiblePage a page number");
        }
    }

    private static String bounded(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > 200) {
            throw ApiException.badRequest("reason and location are limited to 200 characters");
        }
        return text;
    }

    private void receive(Context ctx, Path file) throws IOException {
        long total;
        try (InputStream body = ctx.req().getInputStream()) {
            total = copyLimited(body, file);
        }
        if (total == 0) {
            throw ApiException.badRequest("the body is empty: send the PDF to sign");
        }
    }

    private long copyLimited(InputStream body, Path file) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (OutputStream o = Files.newOutputStream(file)) {
            for (int n; (n = body.read(buf)) > 0; ) {
                total += n;
                if (total > maxDocumentBytes) {
                    throw tooLarge();
                }
                o.write(buf, 0, n);
            }
        }
        return total;
    }

    private ApiException tooLarge() {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE,
                "documents are limited to " + maxDocumentBytes + " bytes (limits.maxDocumentBytes)");
    }

    private void record(Principal caller, String action, String objectType, String objectId, Map<String, Object> details) {
        try {
            events.record(new AuditEvent(caller.actor(), action, objectType, objectId, Json.MAPPER.writeValueAsString(details)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // in the process's private work directory, removed at shutdown
            }
        }
    }
}
