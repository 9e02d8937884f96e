package dev.signet.web;

import dev.signet.web.auth.Guard;
import dev.signet.web.http.ErrorMapper;
import dev.signet.web.http.HttpMetrics;
import dev.signet.web.http.Route;
import dev.signet.web.http.TlsConnector;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
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

    /**
     * Starts serving {@code routes} on {@code listener} (bound by {@link ListenSocket}), over TLS if
     * {@code tls} is given. The server owns the socket from here and closes it when it stops.
     */
    public static HttpServer start(ServerSocketChannel listener, long maxRequestBytes, List<Route> routes,
                                   Guard guard, HttpMetrics metrics, TlsConnector tls) {
        return start(listener, maxRequestBytes, routes, guard, metrics, tls, null);
    }

    /**
     * As above, with {@code fastPath} (may be null) ahead of Javalin: a Jetty handler that answers
     * its own requests (OCSP, whose rate is the point) without the framework's per-request work.
     */
    public static HttpServer start(ServerSocketChannel listener, long maxRequestBytes, List<Route> routes,
                                   Guard guard, HttpMetrics metrics, TlsConnector tls, Handler.Wrapper fastPath) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = maxRequestBytes;
            cfg.http.prefer405over404 = false;
            cfg.router.ignoreTrailingSlashes = false;
            cfg.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c = tls == null
                        ? new ServerConnector(server, new HttpConnectionFactory(httpConfig))
                        : tls.connector(server, httpConfig);
                InetSocketAddress address = (InetSocketAddress) listener.socket().getLocalSocketAddress();
                c.setHost(address.getHostString());
                try {
                    c.open(listener);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot serve on " + address, e);
                }
                return c;
            });
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                // Javalin nests its servlet context inside a handler set here.
                GracefulHandler graceful = new GracefulHandler();
                if (fastPath != null) {
                    graceful.setHandler(fastPath); // Javalin nests inside the innermost wrapper
                }
                server.setHandler(graceful);
            });
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
