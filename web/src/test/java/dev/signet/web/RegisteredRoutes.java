package dev.signet.web;

import io.javalin.router.ParsedEndpoint;
import java.util.List;

/** For tests in other packages: the endpoints a running server registered. */
public final class RegisteredRoutes {

    private RegisteredRoutes() {}

    /** Every registered endpoint but the HEAD twin of each GET route (same handler, same access). */
    public static List<ParsedEndpoint> of(SignetServer server) {
        return server.http().javalin().unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method != io.javalin.http.HandlerType.HEAD).toList();
    }
}
