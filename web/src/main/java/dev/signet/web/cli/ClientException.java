package dev.signet.web.cli;

/** A client command's failure: what to tell the person, and the exit code that says what kind it was. */
final class ClientException extends RuntimeException {

    private final int exitCode;

    ClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
