package dev.signet.web.ui;

import dev.signet.web.Services;
import dev.signet.web.http.Route;
import java.util.List;

/**
 * The web UI's routes (server-rendered pages, login, sessions, CSRF), registered from
 * {@link dev.signet.web.Routes} beside the API. The UI is not built yet: this contributes no
 * routes until it is.
 */
public final class UiRoutes {

    private UiRoutes() {}

    public static List<Route> routes(Services services) {
        return List.of();
    }
}
