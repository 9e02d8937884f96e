package dev.signet.web;

import dev.signet.ca.store.AccessStore;
import dev.signet.ca.store.IssuedToken;
import java.io.PrintStream;
import java.util.Set;

/**
 * What a fresh data directory gets so that it is usable at once: an administrator token, printed
 * once. A later start finds it and creates nothing.
 */
final class FirstStart {

    static final String ACTOR = "system:first-start";

    private FirstStart() {}

    /** Creates what is missing; prints the admin token to {@code console} if one was created. */
    static void run(Services s, PrintStream console) {
        AccessStore access = s.access();
        boolean hasAdmin = access.listTokens().stream().anyMatch(t -> "admin".equals(t.role()) && t.revoked() == null);
        if (!hasAdmin) {
            IssuedToken admin = access.createToken("first-start admin", "admin", Set.of(), null, ACTOR);
            console.println();
            console.println("An administrator API token was created. It is shown this once; store it now:");
            console.println();
            console.println("    " + admin.secret());
            console.println();
            console.println("Use it as: curl -H 'Authorization: Bearer <token>' " + s.config().publicBaseUrl() + "/api/v1/cas");
            console.println();
            console.flush();
        }
    }
}
