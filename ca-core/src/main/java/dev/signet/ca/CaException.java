package dev.signet.ca;

/**
 * Why a CA operation was refused or failed. {@link #kind()} is what the web layer maps to an HTTP
 * status, in one place; {@link #code()} is a stable, specific reason (e.g. {@code csr-signature-invalid})
 * for clients and tests; the message is a detail fit for the requester: never key material or internals.
 */
public final class CaException extends RuntimeException {

    /** The broad classes of failure, each with one HTTP status in the web layer. */
    public enum Kind {
        /** The CA, certificate, profile or identity does not exist (404). */
        NOT_FOUND,
        /** The request is malformed: unparseable CSR, bad DN, bad PEM (400). */
        BAD_REQUEST,
        /** The request is well formed but the policy refuses it: weak key, forbidden name, lint (422). */
        POLICY_REFUSED,
        /** The state does not allow it: name taken, CA retired or pending, token used (409). */
        CONFLICT,
        /** The caller's role does not allow it: revoking a CA certificate without being an admin (403). */
        FORBIDDEN,
        /** The HSM or the database failed; nothing was issued (503). */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;

    public CaException(Kind kind, String code, String detail) {
        super(detail);
        this.kind = kind;
        this.code = code;
    }

    public CaException(Kind kind, String code, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static CaException notFound(String code, String detail) {
        return new CaException(Kind.NOT_FOUND, code, detail);
    }

    public static CaException badRequest(String code, String detail) {
        return new CaException(Kind.BAD_REQUEST, code, detail);
    }

    public static CaException refused(String code, String detail) {
        return new CaException(Kind.POLICY_REFUSED, code, detail);
    }

    public static CaException conflict(String code, String detail) {
        return new CaException(Kind.CONFLICT, code, detail);
    }
}
