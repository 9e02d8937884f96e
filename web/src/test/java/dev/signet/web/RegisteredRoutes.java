package dev.signet.web;

import io.javalin.router.ParsedEndpoint;
import java.util.List;

/** For tests in other packages: the endpoints a running server registered. */
public final class RegisteredRoutes {

    private RegisteredRoutes() {}

    public static List<ParsedEndpoint> of(SignetServer server) {
        return List.copyOf(server.http().javalin().unsafe.internalRouter.allHttpHandlers());
    }
}
