package dev.signet.web.auth;

/** Where refusals go: the audit chain, so that probing shows up in the log an auditor reads. */
public interface SecurityAudit {

    /**
     * Records a refused request. {@code actor} is the principal's actor name, or a description of
     * the missing/bad credential; it never contains the presented token.
     */
    void refused(String actor, String method, String path, int status, String reason);

    /**
     * Records a request refused for want of a valid credential, from {@code client} (an address).
     * Anyone who reaches the port can send these by the thousand, so an implementation may count
     * them rather than write each one; by default each is a refusal by "anonymous".
     */
    default void refusedAnonymously(String client, String method, String path, int status, String reason) {
        refused("anonymous", method, path, status, reason);
    }
}
