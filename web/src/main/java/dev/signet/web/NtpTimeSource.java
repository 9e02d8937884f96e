package dev.signet.web;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.TsaTimeSource;
import dev.signet.ca.AuditTrail;
import dev.signet.web.config.SignetConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tsa.timeSource: ntp}: asks the configured NTP servers (SNTP, RFC 4330, with commons-net's
 * {@link NTPUDPClient}) every {@code poll} in the background, and lets the TSAs give the time only
 * while a server answered within {@code stale} and the system clock is within {@code maxOffset}
 * of it. Otherwise every query gets {@code timeNotAvailable} (RFC 3161 2.4.2) with the reason.
 * Until the first answer the time is not available. Each change between available and not is
 * logged, audited ({@code tsa.time.unavailable} / {@code tsa.time.available}) and counted; the
 * state and the last offset are gauges. A token reads one volatile field.
 */
final class NtpTimeSource implements TsaTimeSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NtpTimeSource.class);
    private static final int NTP_PORT = 123;

    private final SignetConfig.TimeSource settings;
    private final AuditTrail audit;
    private final Counter transitions;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "signet-tsa-ntp");
        t.setDaemon(true);
        return t;
    });
    /** Why the time is not available, or null: what every token reads. */
    private volatile String unavailable = "no NTP server has answered yet";
    private volatile long lastOffsetMillis;
    private long lastAnswerNanos;
    private boolean answeredOnce;
    private String lastFailure = "none asked yet";

    NtpTimeSource(SignetConfig.TimeSource settings, AuditTrail audit, MeterRegistry metrics) {
        this.settings = settings;
        this.audit = audit;
        Gauge.builder("signet.tsa.time.available", this, s -> s.unavailable == null ? 1 : 0)
                .description("1 while the NTP time source vouches for the clock, else 0 (the TSAs answer timeNotAvailable)")
                .register(metrics);
        Gauge.builder("signet.tsa.time.offset", this, s -> s.lastOffsetMillis).baseUnit("milliseconds")
                .description("The system clock's offset from the last NTP answer").register(metrics);
        this.transitions = Counter.builder("signet.tsa.time.transitions")
                .description("Changes between available and not available of the TSA time source").register(metrics);
    }

    /** Asks the servers now, and then every {@code poll}. */
    NtpTimeSource start() {
        thread.scheduleWithFixedDelay(this::poll, 0, settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public String unavailable() {
        return unavailable;
    }

    /** One round: the first server that answers gives the offset; on the poll thread only. */
    void poll() {
        try {
            Long offset = ask();
            if (offset != null) {
                lastAnswerNanos = System.nanoTime();
                answeredOnce = true;
                lastOffsetMillis = offset;
            }
            update(evaluate());
        } catch (RuntimeException e) {
            LOG.warn("the NTP check failed: {}", e.toString());
        }
    }

    private Long ask() {
        for (String server : settings.servers()) {
            NTPUDPClient client = new NTPUDPClient();
            client.setDefaultTimeout(settings.timeout());
            try {
                client.open();
                TimeInfo info = client.getTime(InetAddress.getByName(host(server)), port(server));
                info.computeDetails();
                if (info.getOffset() != null) {
                    return info.getOffset();
                }
                lastFailure = server + " gave no offset";
            } catch (IOException | RuntimeException e) {
                lastFailure = server + ": " + e.getMessage();
            } finally {
                client.close();
            }
        }
        return null;
    }

    private String evaluate() {
        Duration stale = settings.stale();
        if (!answeredOnce || System.nanoTime() - lastAnswerNanos > stale.toNanos()) {
            return "the time source is not available: no NTP server answered within the last " + stale.toMillis() + " ms ("
                    + lastFailure + ")";
        }
        long offset = lastOffsetMillis;
        if (Math.abs(offset) > settings.maxOffset().toMillis()) {
            return "the clock is " + offset + " ms off NTP time, more than the " + settings.maxOffset().toMillis()
                    + " ms allowed";
        }
        return null;
    }

    private void update(String next) {
        String previous = unavailable;
        unavailable = next;
        if ((previous == null) == (next == null)) {
            return;
        }
        transitions.increment();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("offsetMillis", lastOffsetMillis);
        details.put("servers", String.join(",", settings.servers()));
        if (next != null) {
            details.put("reason", next);
            LOG.warn("TSA time source unavailable, time-stamps are refused (timeNotAvailable): {}", next);
        } else {
            LOG.info("TSA time source available: the clock is within {} ms of NTP time (offset {} ms)",
                    settings.maxOffset().toMillis(), lastOffsetMillis);
        }
        try {
            audit.record(AuditEvent.of("signet", next != null ? "tsa.time.unavailable" : "tsa.time.available", "tsa-time", "ntp",
                    details));
        } catch (RuntimeException e) {
            LOG.warn("the time source change could not be audited: {}", e.toString());
        }
    }

    private static String host(String server) {
        if (server.startsWith("[")) {
            return server.substring(1, server.indexOf(']'));
        }
        int colon = server.lastIndexOf(':');
        return colon < 0 ? server : server.substring(0, colon);
    }

    private static int port(String server) {
        int colon = server.lastIndexOf(':');
        int bracket = server.lastIndexOf(']');
        return colon < 0 || colon < bracket ? NTP_PORT : Integer.parseInt(server.substring(colon + 1));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
