package dev.signet.web.auth;

/** Where refusals go: the audit chain, so that probing shows up in the log an auditor reads. */
public interface SecurityAudit {

    /**
     * Records a refused request. {@code actor} is the principal's actor name, or a description of
     * the missing/bad credential; it never contains the presented token.
     */
    void refused(String actor, String method, String path, int status, String reason);
}
