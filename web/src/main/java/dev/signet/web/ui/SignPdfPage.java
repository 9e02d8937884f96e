package dev.signet.web.ui;

import dev.signet.ca.CaException;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.Accounts;
import dev.signet.signing.PadesLevel;
import dev.signet.signing.PdfSignOptions;
import dev.signet.signing.SigningException;
import dev.signet.signing.VisibleSignature;
import dev.signet.web.PdfSigningService;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.http.ErrorMapper;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The "Sign a PDF" page, for users of role signer: upload, one of the identities an administrator
 * granted them, the PAdES level, an optional visible signature (with an optional image), then the
 * signed file comes back as a download. Signing and its audit entry are the API's
 * ({@link PdfSigningService}); a refusal re-shows the form with what was chosen and the reason.
 */
public final class SignPdfPage {

    public record IdentityOption(String id, String subject) {}

    /** What the form holds: the defaults, or what was chosen when it was refused (never the PDF password). */
    public record SignForm(String identity, String level, boolean visible, String page, String x, String y,
                           String width, String height, String reason, String location) {
        static SignForm defaults(String identity) {
            return new SignForm(identity, "B-T", false, "1", "72", "72", "200", "50", "", "");
        }
    }

    public record SignModel(List<IdentityOption> identities, List<String> levels, SignForm form, String error,
                            long maxMib, int maxImageKib) {}

    static final List<String> LEVELS = Arrays.stream(PadesLevel.values()).map(PadesLevel::id).toList();

    private final PdfSigningService signing;
    private final Accounts access;
    private final CertificateAuthorities authorities;
    private final SecurityAudit audit;
    private final Templates templates;

    SignPdfPage(PdfSigningService signing, Accounts access, CertificateAuthorities authorities, SecurityAudit audit,
                Templates templates) {
        this.signing = signing;
        this.access = access;
        this.authorities = authorities;
        this.audit = audit;
        this.templates = templates;
    }

    /** The largest form this page accepts: the document, the image and the fields. */
    long maxUploadBytes() {
        return signing.maxDocumentBytes() + VisibleSignature.MAX_IMAGE_BYTES + UiGate.MAX_FORM_BYTES;
    }

    void form(Context ctx, Viewer viewer) {
        List<IdentityOption> granted = granted(viewer);
        show(ctx, viewer, 200, granted, SignForm.defaults(granted.isEmpty() ? "" : granted.get(0).id()), null);
    }

    void sign(Context ctx, Viewer viewer) throws IOException {
        List<IdentityOption> granted = granted(viewer);
        SignForm form = new SignForm(field(ctx, "identity"), field(ctx, "level"), "on".equals(ctx.formParam("visible")),
                field(ctx, "page"), field(ctx, "x"), field(ctx, "y"), field(ctx, "width"), field(ctx, "height"),
                field(ctx, "reason"), field(ctx, "location"));
        UploadedFile pdf = ctx.uploadedFile("pdf");
        if (pdf == null || pdf.size() == 0) {
            show(ctx, viewer, 400, granted, form, "Choose the PDF file to sign.");
            return;
        }
        if (granted.stream().noneMatch(i -> i.id().equals(form.identity()))) {
            audit.refused(viewer.actor(), "POST", ctx.path(), 403, "identity " + form.identity() + " not granted");
            show(ctx, viewer, 403, granted, form, "You may not sign with identity '" + form.identity()
                    + "': choose one of those an administrator granted you.");
            return;
        }
        if (pdf.size() > signing.maxDocumentBytes()) {
            show(ctx, viewer, 413, granted, form, "The PDF is larger than " + (signing.maxDocumentBytes() >> 20) + " MiB.");
            return;
        }
        Path in = null;
        Path out = null;
        try {
            PdfSignOptions options = options(ctx, form);
            in = signing.tempFile("ui-upload-");
            out = signing.tempFile("ui-signed-");
            try (InputStream body = pdf.content(); OutputStream o = Files.newOutputStream(in)) {
                body.transferTo(o);
            }
            signing.sign(in, out, form.identity(), options, viewer.actor());
            Templates.securityHeaders(ctx);
            ctx.header("Content-Disposition", "attachment; filename=\"" + signedName(pdf.filename()) + "\"");
            // Sent as it is, with its length: a compressed response would not match the Content-Length.
            ctx.disableCompression();
            ctx.header("Content-Length", Long.toString(Files.size(out)));
            ctx.status(200).contentType("application/pdf");
            try (OutputStream o = ctx.outputStream()) {
                Files.copy(out, o);
            }
        } catch (SigningException | CaException e) {
            int status = ErrorMapper.clientStatus(e);
            if (status == 0) {
                throw e;
            }
            show(ctx, viewer, status, granted, form, e.getMessage());
        } catch (BadField e) {
            show(ctx, viewer, e.status, granted, form, e.getMessage());
        } finally {
            PdfSigningService.delete(in);
            PdfSigningService.delete(out);
        }
    }

    private PdfSignOptions options(Context ctx, SignForm form) throws IOException {
        PadesLevel level;
        try {
            level = PadesLevel.parse(form.level());
        } catch (IllegalArgumentException e) {
            throw new BadField(400, "Choose a level: " + String.join(", ", LEVELS) + ".");
        }
        if (form.reason().length() > 200 || form.location().length() > 200) {
            throw new BadField(400, "Reason and location are limited to 200 characters.");
        }
        String password = ctx.formParam("password");
        PdfSignOptions options = PdfSignOptions.at(level)
                .withPassword(password == null || password.isEmpty() ? null : password)
                .withReason(form.reason().isBlank() ? null : form.reason())
                .withLocation(form.location().isBlank() ? null : form.location());
        if (!form.visible()) {
            return options;
        }
        byte[] image = null;
        UploadedFile upload = ctx.uploadedFile("image");
        if (upload != null && upload.size() > 0) {
            if (upload.size() > VisibleSignature.MAX_IMAGE_BYTES) {
                throw new BadField(413, "The image is larger than " + VisibleSignature.MAX_IMAGE_BYTES / 1024 + " KiB.");
            }
            try (InputStream body = upload.content()) {
                image = body.readNBytes(VisibleSignature.MAX_IMAGE_BYTES + 1);
            }
        }
        try {
            return options.showing(new VisibleSignature(Integer.parseInt(form.page()), Float.parseFloat(form.x()),
                    Float.parseFloat(form.y()), Float.parseFloat(form.width()), Float.parseFloat(form.height()), image));
        } catch (NumberFormatException e) {
            throw new BadField(400, "The page is a number from 1, and the rectangle's position and size are numbers of points.");
        }
    }

    private List<IdentityOption> granted(Viewer viewer) {
        List<IdentityOption> out = new ArrayList<>();
        for (String id : access.identitiesOf(viewer.username())) {
            try {
                out.add(new IdentityOption(id, authorities.findSignerIdentity(id).certificate().subject()));
            } catch (CaException e) {
                // a grant whose identity is gone (key destroyed, CA removed) cannot be used: not offered
            }
        }
        return out;
    }

    private void show(Context ctx, Viewer viewer, int status, List<IdentityOption> granted, SignForm form, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Sign a PDF", "sign", viewer));
        params.put("model", new SignModel(granted, LEVELS, form, error, signing.maxDocumentBytes() >> 20,
                VisibleSignature.MAX_IMAGE_BYTES / 1024));
        templates.render(ctx, status, "sign.jte", params);
    }

    private static String field(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.strip();
    }

    /** {@code report.pdf} becomes {@code report-signed.pdf}. */
    static String signedName(String uploaded) {
        String base = uploaded == null ? "document" : uploaded.replaceAll("(?i)\\.pdf$", "");
        return Downloads.fileName(base) + "-signed.pdf";
    }

    /** A form field that does not parse: the form is shown again with the message. */
    private static final class BadField extends RuntimeException {
        final int status;

        BadField(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
