package dev.signet.web.ui;

/** A request a UI page refuses: the status and a message fit to show the person (no internals). */
final class UiException extends RuntimeException {

    private final int status;

    UiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static UiException notFound(String message) {
        return new UiException(404, message);
    }

    static UiException badRequest(String message) {
        return new UiException(400, message);
    }
}
