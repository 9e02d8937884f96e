package dev.signet.web;

import dev.signet.web.auth.Guard;
import dev.signet.web.http.ClientAddress;
import dev.signet.web.http.ConnectionsPerAddress;
import dev.signet.web.http.ErrorMapper;
import dev.signet.web.http.ProblemErrorHandler;
import dev.signet.web.http.HttpMetrics;
import dev.signet.web.http.RequestBodyDeadline;
import dev.signet.web.http.Route;
import dev.signet.web.http.TlsConnector;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The Javalin/Jetty server around the routes table. Stopping waits for in-flight requests (Jetty's
 * graceful handler) up to {@link #STOP_TIMEOUT_MS} before closing connections.
 */
public final class HttpServer implements AutoCloseable {

    static final long STOP_TIMEOUT_MS = 15_000;
    /** A connection that sends nothing for this long is closed (between requests, or inside one). */
    static final long IDLE_TIMEOUT_MS = 30_000;
    /** The buffer Javalin copies a handler's result through (once per request). */
    static final int RESULT_COPY_BUFFER_BYTES = 8 * 1024;

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
        return start(listener, maxRequestBytes, routes, guard, metrics, tls, ClientAddress.direct());
    }

    /** As above; {@code clients} decides each request's client address (trusted proxies' X-Forwarded-For). */
    public static HttpServer start(ServerSocketChannel listener, long maxRequestBytes, List<Route> routes,
                                   Guard guard, HttpMetrics metrics, TlsConnector tls, ClientAddress clients) {
        return start(listener, maxRequestBytes, routes, guard, metrics, tls, clients, null);
    }

    /**
     * As above, with {@code fastPath} (may be null) ahead of Javalin: a Jetty handler that answers
     * its own requests (OCSP, whose rate is the point) without the framework's per-request work.
     */
    public static HttpServer start(ServerSocketChannel listener, long maxRequestBytes, List<Route> routes,
                                   Guard guard, HttpMetrics metrics, TlsConnector tls, ClientAddress clients,
                                   org.eclipse.jetty.server.Handler.Wrapper fastPath) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = maxRequestBytes;
            // Javalin copies each result through a fresh buffer of this size (by default Jetty's 32 KiB
            // output buffer): a third of all the memory an API request allocated. Jetty still
            // aggregates up to 32 KiB before sending, so answers are framed as before.
            cfg.http.responseBufferSize = RESULT_COPY_BUFFER_BYTES;
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = false;
            cfg.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c = tls == null
                        ? new ServerConnector(server, new HttpConnectionFactory(httpConfig))
                        : tls.connector(server, httpConfig);
                InetSocketAddress address = (InetSocketAddress) listener.socket().getLocalSocketAddress();
                c.setHost(address.getHostString());
                c.setIdleTimeout(IDLE_TIMEOUT_MS);
                c.addBean(new ConnectionsPerAddress(ConnectionsPerAddress.DEFAULT_MAX, clients.trustedProxies()));
                try {
                    c.open(listener);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot serve on " + address, e);
                }
                return c;
            });
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                server.setErrorHandler(new ProblemErrorHandler());
                // Javalin nests its servlet context inside the innermost wrapper set here: bodies
                // are read before any route runs, so a slow client holds no worker thread. The fast
                // path (if any) sits innermost, after the body deadline, ahead of Javalin.
                org.eclipse.jetty.server.Handler.Wrapper chain = RequestBodyDeadline.chain(maxRequestBytes);
                if (fastPath != null) {
                    RequestBodyDeadline.innermost(chain).setHandler(fastPath);
                }
                server.setHandler(new GracefulHandler(chain));
            });
            // ctx.ip() everywhere (login limits, refusal counts, the access log) is the client, not a proxy.
            cfg.contextResolver.ip = clients::resolve;
            cfg.requestLogger.http(metrics::record);
            ErrorMapper.register(cfg.routes);
            for (Route r : routes) {
                Handler h = guard.protect(r.access(), r.handler());
                cfg.routes.addHttpHandler(r.method(), r.path(), h);
                if (r.method() == HandlerType.GET) {
                    // HEAD is GET without the body (RFC 9110 9.3.2): the same guard, status and headers.
                    cfg.routes.addHttpHandler(HandlerType.HEAD, r.path(), h);
                }
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
