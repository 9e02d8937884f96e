package dev.signet.web.api;

import dev.signet.ca.TsaSettings;
import dev.signet.web.http.HttpMetrics;
import io.micrometer.core.instrument.Timer;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code POST /tsa} and {@code POST /tsa/{name}} (for a TSA this server has) in Jetty
 * itself, ahead of Javalin, as {@code OcspFastPath} does for OCSP: a time-stamp costs its parse,
 * signature and group commit, not the framework's per-request work as well (routing, the access
 * guard, the request logger, a servlet request and an async context). Its requests are counted
 * and timed in {@code http.server.requests} as Javalin's would be, but get no access-log line.
 * Everything else, an unknown
 * TSA name included (a problem+json 404), goes on to Javalin, whose routes serve the same requests
 * with the same {@link TsaEndpoint} when a server runs without this handler. The request body has
 * already arrived (the body deadline sits ahead of this handler), so reading it does not block.
 */
public final class TsaFastPath extends Handler.Wrapper {

    private static final String PATH = "/tsa";

    private final TsaEndpoint endpoint;
    /** {@code http.server.requests} for the two routes, as Javalin would record them (always 200: RFC 3161 3.4). */
    private final Timer defaultRoute;
    private final Timer namedRoute;

    public TsaFastPath(TsaEndpoint endpoint, HttpMetrics metrics) {
        this.endpoint = endpoint;
        this.defaultRoute = metrics.timer("POST", PATH, 200);
        this.namedRoute = metrics.timer("POST", PATH + "/{name}", 200);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(PATH) || !"POST".equals(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        long start = System.nanoTime();
        String name;
        if (path.length() == PATH.length()) {
            name = TsaSettings.DEFAULT;
        } else if (path.charAt(PATH.length()) == '/' && path.indexOf('/', PATH.length() + 1) < 0) {
            name = path.substring(PATH.length() + 1);
            if (TsaSettings.DEFAULT.equals(name) || !endpoint.serves(name)) {
                return super.handle(request, response, callback);
            }
        } else {
            return super.handle(request, response, callback);
        }
        Timer timer = path.length() == PATH.length() ? defaultRoute : namedRoute;
        InputStream body = Content.Source.asInputStream(request);
        endpoint.stamp(name, request.getHeaders().get(HttpHeader.CONTENT_TYPE), request.getLength(), body)
                .whenComplete((reply, failure) -> {
                    if (failure != null) { // stamp() never fails; should it, the client is not left waiting
                        callback.failed(failure);
                        return;
                    }
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TsaEndpoint.REPLY_TYPE);
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.der().length);
                    // Counted before the write, as Javalin counts before Jetty flushes: a client that has its
                    // reply finds it in /metrics.
                    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    response.write(true, ByteBuffer.wrap(reply.der()), callback);
                });
        return true;
    }
}
