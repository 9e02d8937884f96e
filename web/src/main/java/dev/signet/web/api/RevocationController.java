package dev.signet.web.api;

import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.Revocations;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.Principal;
import dev.signet.web.auth.Role;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * {@code POST /api/v1/cas/{caId}/certificates/{serial}/revoke} with {@code {"reason": "keyCompromise",
 * "invalidityDate": "2026-11-30T12:00:00Z"}} (the date optional), and {@code .../release} for a
 * certificate on hold. Both answer 200 with the certificate; 404 for a serial the CA never issued,
 * 409 when already revoked (or not on hold), 422 for a reason not allowed, 403 for a CA certificate
 * unless the caller is an admin.
 */
public final class RevocationController {

    /** The JSON body of a revoke. */
    public record RevokeRequest(String reason, String invalidityDate) {}

    private final Revocations revocations;

    public RevocationController(Revocations revocations) {
        this.revocations = revocations;
    }

    public void revoke(Context ctx) {
        RevokeRequest req = Json.read(ctx, RevokeRequest.class);
        if (req == null || req.reason() == null || req.reason().isBlank()) {
            throw ApiException.badRequest("\"reason\" is required: an RFC 5280 reason such as keyCompromise");
        }
        Principal p = Guard.principal(ctx);
        IssuedCertificate c = revocations.revoke(ctx.pathParam("caId"), ctx.pathParam("serial"), req.reason(),
                parseDate(req.invalidityDate()), p.actor(), p.role() == Role.ADMIN);
        Json.write(ctx, 200, Views.CertificateView.of(c));
    }

    public void release(Context ctx) {
        Principal p = Guard.principal(ctx);
        IssuedCertificate c = revocations.release(ctx.pathParam("caId"), ctx.pathParam("serial"), p.actor(),
                p.role() == Role.ADMIN);
        Json.write(ctx, 200, Views.CertificateView.of(c));
    }

    /** ISO-8601 with an offset ({@code 2026-11-30T12:00:00Z}); null when absent. */
    public static Instant parseDate(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalidityDate is not an ISO-8601 time such as 2026-11-30T12:00:00Z: '" + s + "'");
        }
    }
}
