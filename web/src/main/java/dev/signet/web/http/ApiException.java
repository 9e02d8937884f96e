package dev.signet.web.http;

/**
 * A request the API refuses, with the problem kind and a detail safe to show to the client (no
 * secrets, no internals). Thrown from handlers; {@link ErrorMapper} turns it into the response.
 */
public class ApiException extends RuntimeException {

    private final ProblemType problem;

    public ApiException(ProblemType problem, String detail) {
        super(detail);
        this.problem = problem;
    }

    public ProblemType problem() {
        return problem;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(ProblemType.MALFORMED_REQUEST, detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(ProblemType.NOT_FOUND, detail);
    }

    public static ApiException unsupportedMediaType(String detail) {
        return new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, detail);
    }
}
