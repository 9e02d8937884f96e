package dev.signet.web.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body. {@code code} is an extension member: a stable, specific reason
 * (e.g. {@code csr-signature-invalid}) where the domain gives one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType kind, String detail, String instance, String code) {
        return new Problem(kind.type().toString(), kind.title(), kind.status(), detail, instance, code);
    }
}
