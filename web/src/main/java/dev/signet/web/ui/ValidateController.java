package dev.signet.web.ui;

import dev.signet.signing.ValidationException;
import dev.signet.signing.ValidationReport;
import dev.signet.web.PdfValidationService;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The "Validate a PDF" page: upload, then per signature a verdict with its reasons, chain and timeline. */
public final class ValidateController {
    public record ValidateModel(ValidationReport report, String fileName, String error) {}

    private final PdfValidationService validation;
    private final Templates templates;

    ValidateController(PdfValidationService validation, Templates templates) {
        this.validation = validation;
        this.templates = templates;
    }

    void form(Context ctx, Viewer viewer) {
        show(ctx, viewer, 200, new ValidateModel(null, null, null));
    }

    void validate(Context ctx, Viewer viewer) throws IOException {
        UploadedFile pdf = ctx.uploadedFile("pdf");
        if (pdf == null || pdf.size() == 0) {
            show(ctx, viewer, 400, new ValidateModel(null, null, "Choose a PDF file to validate."));
            return;
        }
        if (pdf.size() > validation.maxDocumentBytes()) {
            show(ctx, viewer, 413, new ValidateModel(null, pdf.filename(), "The file is larger than "
                    + PdfValidationService.describe(validation.maxDocumentBytes()) + "."));
            return;
        }
        UploadedFile anchors = ctx.uploadedFile("trustAnchors");
        String pem = anchors == null || anchors.size() == 0 ? null : new String(anchors.content().readNBytes(1 << 20), StandardCharsets.US_ASCII);
        try (InputStream in = pdf.content()) {
            show(ctx, viewer, 200, new ValidateModel(validation.validate(in, pem), pdf.filename(), null));
        } catch (PdfValidationService.TooLarge e) {
            show(ctx, viewer, 413, new ValidateModel(null, pdf.filename(), e.getMessage()));
        } catch (ValidationException e) {
            show(ctx, viewer, 400, new ValidateModel(null, pdf.filename(), "Trust anchors: " + e.getMessage()));
        }
    }

    private void show(Context ctx, Viewer viewer, int status, ValidateModel model) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", Frame.of("Validate a PDF", "validate", viewer));
        params.put("model", model);
        params.put("limit", PdfValidationService.describe(validation.maxDocumentBytes()));
        templates.render(ctx, status, "validate.jte", params);
    }
}
