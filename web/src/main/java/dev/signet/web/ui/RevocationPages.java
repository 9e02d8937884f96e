package dev.signet.web.ui;

import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.RevocationReason;
import dev.signet.ca.Revocations;
import dev.signet.web.auth.Role;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * Revoking from the certificate page: the form posts a reason (from the RFC 5280 list) and an
 * optional invalidity date, and a confirmation step shows what is about to happen before anything
 * changes; a certificate on hold can be released. Officers and admins; a CA certificate, admins only.
 */
public final class RevocationPages {

    /** One reason in the form's list. */
    public record Reason(String name, String label) {}

    /**
     * What the certificate page shows about revoking: whether this viewer may, whether the
     * certificate is on hold, the reasons, and (during the confirmation step) what was chosen.
     */
    public record RevokeModel(boolean mayRevoke, boolean revoked, boolean onHold, List<Reason> reasons,
                              boolean confirming, String reason, String invalidityDate, String action, String releaseAction,
                              boolean justRevoked, boolean justReleased) {}

    static final List<Reason> REASONS = Arrays.stream(RevocationReason.values())
            .map(r -> new Reason(r.apiName(), label(r))).toList();

    private final Revocations revocations;
    private final CertificatesController certificates;

    RevocationPages(Revocations revocations, CertificatesController certificates) {
        this.revocations = revocations;
        this.certificates = certificates;
    }

    static boolean mayRevoke(Viewer viewer) {
        return viewer.is(UiAccess.REVOKE);
    }

    /** The model for a certificate page outside the confirmation step. */
    static RevokeModel model(IssuedCertificate c, Viewer viewer, Context ctx) {
        String link = "/ui/certificates/" + c.caId() + "/" + c.serial();
        boolean revoked = "revoked".equals(c.status());
        return new RevokeModel(mayRevoke(viewer), revoked,
                revoked && RevocationReason.CERTIFICATE_HOLD.apiName().equals(c.revocationReason()), REASONS, false,
                "", "", link + "/revoke", link + "/release", ctx.queryParam("revoked") != null,
                ctx.queryParam("released") != null);
    }

    /** {@code POST .../revoke}: without {@code confirm=yes} shows the confirmation; with it, revokes. */
    void revoke(Context ctx, Viewer viewer) {
        String caId = ctx.pathParam("caId");
        String serial = ctx.pathParam("serial");
        String reason = ctx.formParam("reason");
        if (reason == null || RevocationReason.parse(reason).isEmpty()) {
            throw UiException.badRequest("Choose a revocation reason from the list.");
        }
        String date = ctx.formParam("invalidityDate");
        Instant invalidity = parseDate(date);
        if (!"yes".equals(ctx.formParam("confirm"))) {
            certificates.confirmRevoke(ctx, viewer, reason, date == null ? "" : date.strip());
            return;
        }
        revocations.revoke(caId, serial, reason, invalidity, viewer.actor(), viewer.role() == Role.ADMIN);
        ctx.redirect("/ui/certificates/" + caId + "/" + serial + "?revoked", HttpStatus.SEE_OTHER);
    }

    /** {@code POST .../release}: a certificate on hold is valid again. */
    void release(Context ctx, Viewer viewer) {
        String caId = ctx.pathParam("caId");
        String serial = ctx.pathParam("serial");
        revocations.release(caId, serial, viewer.actor(), viewer.role() == Role.ADMIN);
        ctx.redirect("/ui/certificates/" + caId + "/" + serial + "?released", HttpStatus.SEE_OTHER);
    }

    /** The form's {@code datetime-local} value (read as UTC) or an ISO-8601 time with offset; null when empty. */
    static Instant parseDate(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.strip()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw UiException.badRequest("The invalidity date is not a date and time such as 2026-11-30T12:00.");
            }
        }
    }

    private static String label(RevocationReason r) {
        return switch (r) {
            case UNSPECIFIED -> "Unspecified";
            case KEY_COMPROMISE -> "Key compromise";
            case CA_COMPROMISE -> "CA compromise";
            case AFFILIATION_CHANGED -> "Affiliation changed";
            case SUPERSEDED -> "Superseded";
            case CESSATION_OF_OPERATION -> "Cessation of operation";
            case CERTIFICATE_HOLD -> "Certificate hold (can be released)";
            case PRIVILEGE_WITHDRAWN -> "Privilege withdrawn";
            case AA_COMPROMISE -> "AA compromise";
        };
    }
}
