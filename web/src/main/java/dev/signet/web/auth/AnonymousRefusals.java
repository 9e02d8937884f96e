package dev.signet.web.auth;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused for want of a credential, counted instead of written one by one: anyone who
 * reaches the port can send a thousand a second, and each chain entry is a durable, fsynced row.
 * Each is counted in the metric {@code signet.requests.refused.anonymous} (and is in the access
 * log); once per {@link #INTERVAL}, and at close, each client that was refused gets one
 * {@code request.refused.summary} entry in the audit chain: how many, when, with which statuses and
 * a few of the paths. Refusals of authenticated callers stay one entry each.
 */
public final class AnonymousRefusals implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Clients tracked per interval; the rest are counted under one "(other clients)" entry. */
    static final int MAX_CLIENTS = 10_000;
    static final int SAMPLE_PATHS = 5;
    static final String OTHERS = "(other clients)";

    private static final Logger LOG = LoggerFactory.getLogger(AnonymousRefusals.class);

    private final AuditTrail events;
    private final Clock clock;
    private final Counter counter;
    private final ScheduledExecutorService flusher;
    private volatile ConcurrentMap<String, Tally> current = new ConcurrentHashMap<>();

    private static final class Tally {
        long count;
        Instant first;
        Instant last;
        final Map<String, Long> statuses = new TreeMap<>();
        final List<String> paths = new ArrayList<>();
    }

    /** Counts into {@code metrics} and flushes every {@link #INTERVAL} on a thread of its own. */
    public AnonymousRefusals(AuditTrail events, MeterRegistry metrics, Clock clock) {
        this(events, metrics, clock, true);
    }

    AnonymousRefusals(AuditTrail events, MeterRegistry metrics, Clock clock, boolean scheduled) {
        this.events = events;
        this.clock = clock;
        this.counter = Counter.builder("signet.requests.refused.anonymous")
                .description("Requests refused for want of a valid credential").register(metrics);
        if (scheduled) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "signet-refusal-summary");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    public void count(String client, String method, String path, int status) {
        counter.increment();
        ConcurrentMap<String, Tally> tallies = current;
        String key = client == null || client.isBlank() ? "unknown" : client.length() <= 64 ? client : client.substring(0, 64);
        if (!tallies.containsKey(key) && tallies.size() >= MAX_CLIENTS) {
            key = OTHERS;
        }
        Tally t = tallies.computeIfAbsent(key, k -> new Tally());
        Instant now = clock.instant();
        synchronized (t) {
            t.count++;
            if (t.first == null) {
                t.first = now;
            }
            t.last = now;
            t.statuses.merge(Integer.toString(status), 1L, Long::sum);
            String shown = method + " " + (path.length() <= 100 ? path : path.substring(0, 100) + "...");
            if (t.paths.size() < SAMPLE_PATHS && !t.paths.contains(shown)) {
                t.paths.add(shown);
            }
        }
    }

    /** Writes one summary entry per client counted since the last flush. */
    public void flush() {
        ConcurrentMap<String, Tally> done = current;
        current = new ConcurrentHashMap<>();
        for (Map.Entry<String, Tally> e : done.entrySet()) {
            Tally t = e.getValue();
            Map<String, Object> details = new LinkedHashMap<>();
            synchronized (t) {
                details.put("count", t.count);
                details.put("from", t.first.toString());
                details.put("to", t.last.toString());
                details.put("statuses", new TreeMap<>(t.statuses));
                details.put("paths", List.copyOf(t.paths));
            }
            events.record(AuditEvent.of("anonymous", "request.refused.summary", "client", e.getKey(),
                    details));
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("could not write the refused-request summary: {}", e.toString());
        }
    }

    /** Stops the timer and writes what is counted (call before the database closes). */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        flushQuietly();
    }
}
