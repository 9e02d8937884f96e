package dev.signet.web.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-request bookkeeping: a Micrometer timer {@code http.server.requests} tagged with method,
 * route pattern (not the concrete path, to bound the label set) and status, and one access-log
 * line. The log carries method, path, status, time and client address: never headers (the
 * bearer token) or query strings.
 */
public final class HttpMetrics {

    private static final Logger ACCESS = LoggerFactory.getLogger("signet.access");

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(Context ctx, float millis) {
        String route = routePattern(ctx);
        int status = ctx.statusCode();
        String method = ctx.method().name();
        timer(method, route, status).record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
        if (ACCESS.isInfoEnabled()) {
            // Tenths of a millisecond by integer arithmetic: String.format cost more than the rest of
            // this method together.
            long tenths = Math.round(millis * 10.0);
            ACCESS.info("{} {} {} {}.{}ms {}", method, ctx.path(), status, tenths / 10, tenths % 10, ctx.ip());
        }
    }

    /**
     * The timer of {@code http.server.requests} with these tags, for a fast path answered ahead of
     * Javalin (the TSA's) to record into itself: the same meter its requests would have through
     * Javalin, looked up once. Fast paths write no access-log line.
     */
    public Timer timer(String method, String route, int status) {
        return timers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder("http.server.requests")
                .description("HTTP requests by route")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry));
    }

    private static String routePattern(Context ctx) {
        try {
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            return e == null ? "unmatched" : e.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
