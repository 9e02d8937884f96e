package dev.signet.web.http;

import dev.signet.ca.CaException;
import dev.signet.ca.DataKeyException;
import dev.signet.ca.store.AlreadyExistsException;
import dev.signet.ca.store.DatabaseUnavailableException;
import dev.signet.ca.store.InvalidRecordException;
import dev.signet.ca.store.NotFoundException;
import dev.signet.signing.SigningException;

/**
 * Which problem kind a domain exception (ca-core, the key boundary) is, or null when it is not a
 * client error. Kept beside {@link ErrorMapper} so that the mapping is in one place. Their
 * messages are written for callers (names and ids, no secrets), so they become the detail.
 */
final class DomainErrors {

    private DomainErrors() {}

    static ProblemType classify(Exception e) {
        if (e instanceof CaException ca) {
            return switch (ca.kind()) {
                case NOT_FOUND -> ProblemType.NOT_FOUND;
                case BAD_REQUEST -> ProblemType.MALFORMED_REQUEST;
                case POLICY_REFUSED -> ProblemType.POLICY_REFUSAL;
                case CONFLICT -> ProblemType.CONFLICT;
                case FORBIDDEN -> ProblemType.FORBIDDEN;
                case UNAVAILABLE -> null;
            };
        }
        if (e instanceof SigningException se) {
            return switch (se.kind()) {
                case NOT_A_PDF -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
                case DAMAGED_PDF, BAD_OPTION -> ProblemType.MALFORMED_REQUEST;
                case UNSUPPORTED_PDF, PASSWORD_REQUIRED, WRONG_PASSWORD, NOT_PERMITTED -> ProblemType.POLICY_REFUSAL;
                case TIMESTAMP_UNAVAILABLE, REVOCATION_UNAVAILABLE -> ProblemType.UNAVAILABLE;
            };
        }
        if (e instanceof DataKeyException dk) {
            return switch (dk.kind()) {
                case NOT_FOUND -> ProblemType.NOT_FOUND;
                case BAD_REQUEST -> ProblemType.MALFORMED_REQUEST;
                case FORBIDDEN -> ProblemType.FORBIDDEN;
                case REFUSED -> ProblemType.POLICY_REFUSAL;
                case CONFLICT -> ProblemType.CONFLICT;
                case TOO_LARGE -> ProblemType.PAYLOAD_TOO_LARGE;
            };
        }
        if (e instanceof NotFoundException) {
            return ProblemType.NOT_FOUND;
        }
        if (e instanceof AlreadyExistsException) {
            return ProblemType.CONFLICT;
        }
        if (e instanceof InvalidRecordException) {
            return ProblemType.POLICY_REFUSAL;
        }
        if (e instanceof DatabaseUnavailableException) {
            return ProblemType.UNAVAILABLE;
        }
        return null;
    }
}
