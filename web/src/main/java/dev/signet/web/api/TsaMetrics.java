package dev.signet.web.api;

import dev.signet.ca.TsaReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The TSA's meters: {@code signet.tsa.tokens} (granted, by TSA), {@code signet.tsa.rejections} (by
 * TSA and RFC 3161 reason) and {@code signet.tsa.latency} (query in, reply out, by TSA and outcome).
 * Each meter is looked up once and kept: building and registering it per token cost microseconds.
 */
public final class TsaMetrics {

    private record Meters(Counter count, Timer latency) {
    }

    /** The outcome key of a granted token (a rejection's key is its failInfo's name). */
    private static final String GRANTED = "granted";

    private final MeterRegistry registry;
    private final Map<String, Map<String, Meters>> meters = new ConcurrentHashMap<>();

    public TsaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records one reply of TSA {@code tsa}, {@code nanos} after its query arrived. */
    public void record(String tsa, TsaReply reply, long nanos) {
        record(tsa, reply.failure(), nanos);
    }

    /** Records one answer of TSA {@code tsa}: granted ({@code failure} null) or refused. */
    public void record(String tsa, TsaReply.Failure failure, long nanos) {
        String outcome = failure == null ? GRANTED : failure.rfcName();
        Meters m = meters.computeIfAbsent(tsa, t -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> register(tsa, failure));
        m.count().increment();
        m.latency().record(nanos, TimeUnit.NANOSECONDS);
    }

    private Meters register(String tsa, TsaReply.Failure failure) {
        Counter count = failure == null
                ? Counter.builder("signet.tsa.tokens").description("Time-stamp tokens issued").tag("tsa", tsa).register(registry)
                : Counter.builder("signet.tsa.rejections").description("Time-stamp queries rejected, by RFC 3161 failInfo")
                        .tag("tsa", tsa).tag("reason", failure.rfcName()).register(registry);
        Timer latency = Timer.builder("signet.tsa.latency")
                .description("Time-stamp query to reply (granted ones include the durable record)")
                .tag("tsa", tsa).tag("outcome", failure == null ? "granted" : "rejection")
                .publishPercentileHistogram().register(registry);
        return new Meters(count, latency);
    }
}
