package dev.signet.web.http;

import java.net.URI;

/**
 * The kinds of error the API reports, each with a stable {@code type} URI (RFC 9457) that clients
 * may switch on, and the HTTP status it always carries.
 */
public enum ProblemType {
    MALFORMED_REQUEST("malformed-request", 400, "Malformed request"),
    UNAUTHORIZED("unauthorized", 401, "Authentication required"),
    FORBIDDEN("forbidden", 403, "Not allowed"),
    NOT_FOUND("not-found", 404, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed"),
    CONFLICT("conflict", 409, "Conflict"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    POLICY_REFUSAL("policy-refusal", 422, "Refused by policy"),
    INTERNAL_ERROR("internal-error", 500, "Internal error"),
    UNAVAILABLE("unavailable", 503, "Service unavailable");

    /** Every type URI starts with this. */
    public static final String BASE = "https://signet.dev/problems/";

    private final URI type;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.type = URI.create(BASE + slug);
        this.status = status;
        this.title = title;
    }

    public URI type() {
        return type;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
