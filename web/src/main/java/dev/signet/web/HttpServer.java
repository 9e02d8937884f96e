package dev.signet.web;

import dev.signet.web.auth.Guard;
import dev.signet.web.http.ErrorMapper;
import dev.signet.web.http.HttpMetrics;
import dev.signet.web.http.Route;
import dev.signet.web.http.TlsConnector;
import io.javalin.Javalin;
import java.util.List;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The Javalin/Jetty server around the routes table. Stopping waits for in-flight requests (Jetty's
 * graceful handler) up to {@link #STOP_TIMEOUT_MS} before closing connections.
 */
public final class HttpServer implements AutoCloseable {

    static final long STOP_TIMEOUT_MS = 15_000;

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving {@code routes}. */
    public static HttpServer start(String host, int port, long maxRequestBytes, List<Route> routes,
                                   Guard guard, HttpMetrics metrics, TlsConnector tls) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = maxRequestBytes;
            cfg.http.prefer405over404 = false;
            cfg.router.ignoreTrailingSlashes = false;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                // Javalin nests its servlet context inside a handler set here.
                server.setHandler(new GracefulHandler());
            });
            if (tls != null) {
                tls.configure(cfg, host, port);
            }
            cfg.requestLogger.http(metrics::record);
            ErrorMapper.register(cfg.routes);
            for (Route r : routes) {
                cfg.routes.addHttpHandler(r.method(), r.path(), guard.protect(r.access(), r.handler()));
            }
        });
        app.start();
        return new HttpServer(app);
    }

    public int port() {
        return app.port();
    }

    /** The running Javalin instance (tests read its registered routes). */
    public Javalin javalin() {
        return app;
    }

    @Override
    public void close() {
        app.stop();
    }
}
