package dev.signet.web.http;

/**
 * Which problem kind a domain exception (ca-core, the key boundary) is, or null when it is not a
 * client error. Kept beside {@link ErrorMapper} so that the mapping is in one place.
 */
final class DomainErrors {

    private DomainErrors() {}

    static ProblemType classify(Exception e) {
        return null;
    }
}
