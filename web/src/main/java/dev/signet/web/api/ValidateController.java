package dev.signet.web.api;

import dev.signet.signing.ValidationException;
import dev.signet.signing.ValidationReport;
import dev.signet.web.PdfValidationService;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.ProblemType;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /api/v1/validate/pdf}: the PDF as the body ({@code application/pdf}), or as the part
 * {@code pdf} of a {@code multipart/form-data} body with an optional part {@code trustAnchors} (PEM)
 * that adds trust anchors for this request. 200 with the report, also for a file that cannot be
 * validated (its report says so); 413 above {@code limits.maxValidationBytes} (nothing kept); 415 for another content type.
 */
public final class ValidateController {
    private final PdfValidationService validation;

    public ValidateController(PdfValidationService validation) {
        this.validation = validation;
    }

    public void validate(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        if (ctx.req().getContentLengthLong() > validation.maxDocumentBytes()) throw tooLarge();
        ValidationReport report;
        try {
            if (type.startsWith("application/pdf") || type.startsWith("application/octet-stream")) {
                try (InputStream body = ctx.req().getInputStream()) {
                    report = validation.validate(body, null);
                }
            } else if (type.startsWith("multipart/form-data")) {
                UploadedFile pdf = ctx.uploadedFile("pdf");
                if (pdf == null) throw ApiException.badRequest("the multipart body has no part named 'pdf'");
                UploadedFile anchors = ctx.uploadedFile("trustAnchors");
                String pem = anchors == null ? ctx.formParam("trustAnchors") : new String(anchors.content().readNBytes(1 << 20), StandardCharsets.US_ASCII);
                try (InputStream body = pdf.content()) {
                    report = validation.validate(body, pem);
                }
            } else {
                throw ApiException.unsupportedMediaType("send the PDF as application/pdf (or multipart/form-data with a part 'pdf')");
            }
        } catch (PdfValidationService.TooLarge e) {
            throw tooLarge();
        } catch (ValidationException e) {
            throw ApiException.badRequest("trustAnchors: " + e.getMessage());
        }
        Json.write(ctx, 200, report);
    }

    private ApiException tooLarge() {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "the PDF is larger than "
                + PdfValidationService.describe(validation.maxDocumentBytes()) + " (limits.maxValidationBytes)");
    }
}
