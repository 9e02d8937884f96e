package dev.signet.web.cli;

import dev.signet.ca.CaException;
import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.StoreException;
import dev.signet.hsm.HsmException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The exit codes of every command, so that scripts can tell the kinds of failure apart. The same
 * split as the HTTP API's statuses: refused (4xx but 404), not found (404), unavailable (5xx).
 * Listed in every command's {@code --help}.
 */
final class ExitCodes {

    static final int OK = 0;
    /** Anything else: a file that cannot be read, a backup that does not match, bad local input. */
    static final int FAILED = 1;
    /** Unknown option, missing argument, bad value: the command line itself is wrong. */
    static final int USAGE = 2;
    /** Refused by policy or state: a profile's rule, a name taken, a role that may not, a malformed request. */
    static final int REFUSED = 3;
    /** The CA, certificate, profile, token or user does not exist. */
    static final int NOT_FOUND = 4;
    /** The server, the database or the HSM is unavailable (or the HSM's key directory is in use). */
    static final int UNAVAILABLE = 5;
    /** An integrity check failed: the audit chain is broken. */
    static final int INTEGRITY = 6;

    private ExitCodes() {}

    /** The exit code for a failure a command threw. */
    static int of(Throwable e) {
        if (e instanceof ClientException c) {
            return c.exitCode();
        }
        if (e instanceof CaException ca) {
            return switch (ca.kind()) {
                case NOT_FOUND -> NOT_FOUND;
                case BAD_REQUEST, POLICY_REFUSED, CONFLICT, FORBIDDEN -> REFUSED;
                case UNAVAILABLE -> UNAVAILABLE;
            };
        }
        if (e instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (e instanceof AlreadyExistsException || e instanceof InvalidRecordException) {
            return REFUSED;
        }
        if (e instanceof StoreException || e instanceof HsmException
                || e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
            return UNAVAILABLE;
        }
        return FAILED;
    }

    /** The code for an HTTP status the server answered with. */
    static int ofStatus(int status) {
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 500) {
            return UNAVAILABLE;
        }
        return status >= 400 ? REFUSED : FAILED;
    }

    /** Puts the list of exit codes into the help of {@code cli} and of every subcommand below it. */
    static void describeIn(CommandLine cli) {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(String.valueOf(OK), "success");
        codes.put(String.valueOf(FAILED), "failed (a file, a backup, local input)");
        codes.put(String.valueOf(USAGE), "usage error (unknown option, missing or bad argument)");
        codes.put(String.valueOf(REFUSED), "refused by policy or state (profile rule, conflict, role, bad request)");
        codes.put(String.valueOf(NOT_FOUND), "not found (CA, certificate, profile, token, user)");
        codes.put(String.valueOf(UNAVAILABLE), "server, database or HSM unavailable (or key directory in use)");
        codes.put(String.valueOf(INTEGRITY), "integrity failure (audit chain broken)");
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cli.getSubcommands().values()) {
            describeIn(sub);
        }
    }
}
