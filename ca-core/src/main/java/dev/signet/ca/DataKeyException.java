package dev.signet.ca;

/**
 * Why a data-key operation was refused. {@link #kind()} is what the web layer maps to an HTTP
 * status, in one place; {@link #code()} is a stable reason for clients and tests. A ciphertext that
 * fails to decrypt is always the one {@link #undecryptable()} refusal, whatever part of it was
 * wrong, so that the answer tells an attacker nothing about which guess came closer.
 */
public final class DataKeyException extends RuntimeException {

    /** The broad classes of refusal, each with one HTTP status in the web layer. */
    public enum Kind {
        /** No such key (404). */
        NOT_FOUND,
        /** Malformed input: bad name, payload too large, bad base64, an undecryptable ciphertext (400). */
        BAD_REQUEST,
        /** The caller's token has no grant for this key and operation (403). */
        FORBIDDEN,
        /** Well formed, but refused by the key's settings: version below the minimum, bad grant (422). */
        REFUSED,
        /** The key's state does not allow it: disabled, scheduled for destruction, destroyed, name taken (409). */
        CONFLICT,
        /** More than a batch takes (413). */
        TOO_LARGE
    }

    private final Kind kind;
    private final String code;

    public DataKeyException(Kind kind, String code, String detail) {
        super(detail);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static DataKeyException undecryptable() {
        return new DataKeyException(Kind.BAD_REQUEST, "ciphertext-invalid",
                "the ciphertext cannot be decrypted with this key and context");
    }

    public static DataKeyException notFound(String name) {
        return new DataKeyException(Kind.NOT_FOUND, "data-key-not-found", "no data key '" + name + "'");
    }

    public static DataKeyException badRequest(String code, String detail) {
        return new DataKeyException(Kind.BAD_REQUEST, code, detail);
    }

    public static DataKeyException forbidden(String name, String operation) {
        return new DataKeyException(Kind.FORBIDDEN, "no-grant",
                "this token has no " + operation + " grant for data key '" + name + "'");
    }

    public static DataKeyException refused(String code, String detail) {
        return new DataKeyException(Kind.REFUSED, code, detail);
    }

    public static DataKeyException tooLarge(String code, String detail) {
        return new DataKeyException(Kind.TOO_LARGE, code, detail);
    }

    public static DataKeyException conflict(String code, String detail) {
        return new DataKeyException(Kind.CONFLICT, code, detail);
    }
}
