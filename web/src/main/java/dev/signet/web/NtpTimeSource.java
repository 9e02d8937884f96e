package dev.signet.web;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.TsaTimeSource;
import dev.signet.ca.AuditTrail;
import dev.signet.web.config.SignetConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.net.DatagramSocketFactory;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.apache.commons.net.ntp.TimeInfo;
import org.apache.commons.net.ntp.TimeStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tsa.timeSource: ntp}: asks every configured NTP server (SNTP, RFC 4330, with commons-net's
 * {@link NTPUDPClient}, one after the other, each within {@code timeout}) every {@code poll} in the
 * background, and lets the TSAs give the time only while at least {@code minAgreeing} servers
 * (default: a majority of those configured) answered within {@code stale} with offsets within
 * {@code maxOffset} of each other, and the median offset of that group is at most {@code maxOffset}
 * (see {@link NtpAgreement}). So one wrong server can neither vouch for a wrong clock nor, while the
 * others agree, stop the TSAs; with one server it is that server's answer, as before. An answer that
 * RFC 4330 section 5 says to discard (kiss-o'-death, unsynchronised, not a server reply, no transmit
 * time; a wrong originate time commons-net refuses itself) counts as that server's failure; the
 * socket is connected to the server, so a datagram from elsewhere is not read at all.
 *
 * <p>Otherwise every query gets {@code timeNotAvailable} (RFC 3161 2.4.2) with the reason: at once
 * when the answers disagree (no group could reach {@code minAgreeing} even with the servers that did
 * not answer) or the agreed offset is too big; after {@code stale} when too few servers answer.
 * Until the first agreement the time is not available. Each change between available and not is
 * logged, audited ({@code tsa.time.unavailable} / {@code tsa.time.available}, with the agreeing,
 * disagreeing and failed servers) and counted; the state, the agreed offset, each server's offset
 * and the number of disagreeing servers are gauges; a change of the disagreeing or failing servers
 * is logged once. A token reads one volatile field.
 */
final class NtpTimeSource implements TsaTimeSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NtpTimeSource.class);
    private static final int NTP_PORT = 123;
    /** RFC 4330 section 4: leap indicator 3 means the server's clock is not synchronised. */
    private static final int LEAP_UNSYNCHRONISED = 3;

    private final SignetConfig.TimeSource settings;
    /** Where the transitions are audited: {@link AuditTrail#record} (a parameter so that tests see the details). */
    private final Consumer<AuditEvent> audit;
    private final Counter transitions;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "signet-tsa-ntp");
        t.setDaemon(true);
        return t;
    });
    /** Why the time is not available, or null: what every token reads. */
    private volatile String unavailable = "no NTP server has answered yet";
    private volatile long lastOffsetMillis;
    private volatile int disagreeingCount;
    /** Each server's offset in the last round; NaN while it gave no valid answer. For the gauges. */
    private final Map<String, Double> serverOffsets = new ConcurrentHashMap<>();
    // The rest is the poll thread's only.
    private long lastAgreementNanos;
    private boolean agreed;
    /** The last round's disagreement, until a round agrees: refuses at once, not after the staleness. */
    private String disagreement;
    private String lastFailure = "none asked yet";
    private List<String> agreeing = List.of();
    private Map<String, String> outliers = Map.of();
    private Map<String, String> failures = Map.of();
    /**
     * RFC 4330 section 8: a server that answered DENY or RSTR is not asked again (until a restart;
     * what it said is its failure in every round), one that answered RATE is asked only every
     * 2^n-th round after its n-th RATE in a row (at most every 64th) until it answers again.
     */
    private final Map<String, String> stopped = new LinkedHashMap<>();
    private final Map<String, Integer> rateKisses = new HashMap<>();
    private final Map<String, Integer> roundsToSkip = new HashMap<>();
    private static final int MAX_RATE_BACKOFF_ROUNDS = 64;

    NtpTimeSource(SignetConfig.TimeSource settings, Consumer<AuditEvent> audit, MeterRegistry metrics) {
        this.settings = settings;
        this.audit = audit;
        Gauge.builder("signet.tsa.time.available", this, s -> s.unavailable == null ? 1 : 0)
                .description("1 while the NTP time source vouches for the clock, else 0 (the TSAs answer timeNotAvailable)")
                .register(metrics);
        Gauge.builder("signet.tsa.time.offset", this, s -> s.lastOffsetMillis).baseUnit("milliseconds")
                .description("The system clock's offset from NTP time: the median of the last agreeing servers").register(metrics);
        Gauge.builder("signet.tsa.time.disagreeing", this, s -> s.disagreeingCount)
                .description("NTP servers whose last answer disagreed with the agreeing ones (falsetickers)").register(metrics);
        for (String server : settings.servers()) {
            serverOffsets.put(server, Double.NaN);
            Gauge.builder("signet.tsa.time.server.offset", serverOffsets, m -> m.getOrDefault(server, Double.NaN))
                    .tag("server", server).baseUnit("milliseconds")
                    .description("The system clock's offset from this NTP server's last answer (NaN: no valid answer)")
                    .register(metrics);
        }
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

    /** One round: asks every server and decides from their answers; on the poll thread only. */
    void poll() {
        try {
            Map<String, Long> offsets = new LinkedHashMap<>();
            Map<String, String> failed = new LinkedHashMap<>();
            for (String server : settings.servers()) {
                String held = heldBack(server);
                if (held != null) {
                    failed.put(server, held);
                    serverOffsets.put(server, Double.NaN);
                    continue;
                }
                try {
                    long offset = ask(server);
                    offsets.put(server, offset);
                    serverOffsets.put(server, (double) offset);
                    rateKisses.remove(server);
                } catch (IOException | RuntimeException e) {
                    failed.put(server, e.getMessage() != null ? e.getMessage() : e.toString());
                    serverOffsets.put(server, Double.NaN);
                    if (e instanceof KissOfDeath kod) {
                        kissed(server, kod.code);
                    }
                }
            }
            NtpAgreement.Outcome outcome = NtpAgreement.decide(offsets, failed.size(), settings.minAgreeing(),
                    settings.maxOffset().toMillis());
            if (outcome.agreed()) {
                lastAgreementNanos = System.nanoTime();
                agreed = true;
                disagreement = null;
                lastOffsetMillis = outcome.medianMillis();
                agreeing = outcome.agreeing();
            } else if (outcome.disagreement() != null) {
                // Evidence that the servers contradict each other, not a lack of answers: no earlier
                // agreement may stand in for it until it gets stale.
                agreed = false;
                disagreement = outcome.disagreement() + (failed.isEmpty() ? "" : "; no valid answer from " + describe(failed));
                agreeing = List.of();
            } else {
                lastFailure = describe(failed) + (offsets.isEmpty() ? "" : "; answered: "
                        + NtpAgreement.describe(new ArrayList<>(offsets.entrySet())));
            }
            // A round short of answers says nothing new about who disagrees: the last verdict's outliers stand.
            Map<String, String> nextOutliers = outcome.agreed() || outcome.disagreement() != null ? new LinkedHashMap<>() : outliers;
            if (nextOutliers != outliers) {
                for (String server : outcome.outliers()) {
                    nextOutliers.put(server, NtpAgreement.signed(offsets.get(server)) + " ms");
                }
            }
            report(nextOutliers, failed);
            update(evaluate());
        } catch (RuntimeException e) {
            LOG.warn("the NTP check failed: {}", e.toString());
        }
    }

    /** Why {@code server} is not asked this round (a kiss-o'-death said so), or null to ask it. */
    private String heldBack(String server) {
        String stop = stopped.get(server);
        if (stop != null) {
            return stop;
        }
        int skip = roundsToSkip.getOrDefault(server, 0);
        if (skip > 0) {
            roundsToSkip.put(server, skip - 1);
            return "kiss-o'-death RATE earlier: asked less often (again in " + skip + " round" + (skip == 1 ? "" : "s") + ")";
        }
        return null;
    }

    private void kissed(String server, String code) {
        if (code.equals("DENY") || code.equals("RSTR")) {
            stopped.put(server, "kiss-o'-death " + code + ": not asked again until a restart (RFC 4330 section 8)");
            LOG.warn("NTP server {} answered kiss-o'-death {}: it is not asked again until a restart", server, code);
        } else if (code.equals("RATE")) {
            int n = rateKisses.merge(server, 1, Integer::sum);
            int rounds = Math.min(MAX_RATE_BACKOFF_ROUNDS, 1 << Math.min(n, 6));
            roundsToSkip.put(server, rounds);
            LOG.warn("NTP server {} answered kiss-o'-death RATE ({} in a row): the next {} rounds do not ask it", server, n, rounds);
        }
    }

    /** The system clock's offset from the server's answer, in milliseconds, or why the answer is refused. */
    private long ask(String server) throws IOException {
        InetAddress address = InetAddress.getByName(host(server));
        int port = port(server);
        NTPUDPClient client = new NTPUDPClient();
        client.setDefaultTimeout(settings.timeout());
        client.setDatagramSocketFactory(new ConnectedSockets(address, port));
        try {
            client.open();
            // commons-net itself refuses an answer whose originate time is not the transmit time it sent
            TimeInfo info = client.getTime(address, port);
            check(info.getMessage());
            info.computeDetails();
            if (info.getOffset() == null) {
                throw new UnusableAnswer("gave no offset");
            }
            return info.getOffset();
        } finally {
            client.close();
        }
    }

    /** The checks RFC 4330 section 5 asks of an SNTP client before it uses an answer. */
    static void check(NtpV3Packet answer) throws UnusableAnswer {
        if (answer.getStratum() == 0) {
            throw new KissOfDeath(kissCode(answer.getReferenceId()));
        }
        if (answer.getLeapIndicator() == LEAP_UNSYNCHRONISED) {
            throw new UnusableAnswer("unsynchronised (leap indicator 3)");
        }
        if (answer.getStratum() > 15) {
            throw new UnusableAnswer("unsynchronised (stratum " + answer.getStratum() + ")");
        }
        if (answer.getMode() != NtpV3Packet.MODE_SERVER) {
            throw new UnusableAnswer("not a server answer (mode " + answer.getMode() + ")");
        }
        TimeStamp transmit = answer.getTransmitTimeStamp();
        if (transmit == null || transmit.ntpValue() == 0) {
            throw new UnusableAnswer("no transmit time");
        }
    }

    /** A kiss-o'-death's code (RFC 4330 section 8: four ASCII characters in the reference id, e.g. RATE, DENY). */
    private static String kissCode(int referenceId) {
        StringBuilder code = new StringBuilder();
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (referenceId >>> shift) & 0xff;
            code.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return code.toString().strip();
    }

    /**
     * Sockets connected to the server asked, so that the kernel drops datagrams from any other
     * address or port: commons-net's own socket would take the first datagram that arrives, and an
     * off-path forger then needs only the originate time, which is commons-net's millisecond clock.
     */
    private record ConnectedSockets(InetAddress server, int port) implements DatagramSocketFactory {

        @Override
        public DatagramSocket createDatagramSocket() throws SocketException {
            return connect(new DatagramSocket());
        }

        @Override
        public DatagramSocket createDatagramSocket(int localPort) throws SocketException {
            return connect(new DatagramSocket(localPort));
        }

        @Override
        public DatagramSocket createDatagramSocket(int localPort, InetAddress localAddress) throws SocketException {
            return connect(new DatagramSocket(localPort, localAddress));
        }

        private DatagramSocket connect(DatagramSocket socket) {
            try {
                socket.connect(server, port);
                return socket;
            } catch (RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }

    /** An answer that arrived but must not be used; the server counts as failed this round. */
    static class UnusableAnswer extends IOException {
        UnusableAnswer(String message) {
            super(message);
        }
    }

    /** A kiss-o'-death (stratum 0): the server tells this client to stop (DENY, RSTR) or to ask less often (RATE). */
    static final class KissOfDeath extends UnusableAnswer {
        final String code;

        KissOfDeath(String code) {
            super("kiss-o'-death " + code + " (stratum 0)");
            this.code = code;
        }
    }

    private String evaluate() {
        if (!agreed && disagreement != null) {
            return disagreement;
        }
        Duration stale = settings.stale();
        if (!agreed || System.nanoTime() - lastAgreementNanos > stale.toNanos()) {
            if (settings.servers().size() == 1) {
                return "the time source is not available: no NTP server answered within the last " + stale.toMillis() + " ms ("
                        + lastFailure + ")";
            }
            return "the time source is not available: no " + settings.minAgreeing() + " of the " + settings.servers().size()
                    + " NTP servers agreed within the last " + stale.toMillis() + " ms (" + lastFailure + ")";
        }
        long offset = lastOffsetMillis;
        if (Math.abs(offset) > settings.maxOffset().toMillis()) {
            return "the clock is " + offset + " ms off NTP time, more than the " + settings.maxOffset().toMillis()
                    + " ms allowed" + (settings.servers().size() == 1 ? "" : " (the median of " + String.join(", ", agreeing) + ")");
        }
        return null;
    }

    /** Logs a change of the servers that disagree or fail, once: an operator must replace a falseticker. */
    private void report(Map<String, String> nextOutliers, Map<String, String> nextFailures) {
        disagreeingCount = nextOutliers.size();
        if (!nextOutliers.keySet().equals(outliers.keySet())) {
            if (nextOutliers.isEmpty()) {
                LOG.info("no answering NTP server disagrees any more");
            } else if (agreeing.isEmpty()) {
                LOG.warn("the NTP servers disagree with each other: {}", nextOutliers);
            } else {
                LOG.warn("NTP servers disagree with the agreeing {} (median offset {} ms) and are left out: {}",
                        agreeing, lastOffsetMillis, nextOutliers);
            }
        }
        if (!nextFailures.keySet().equals(failures.keySet())) {
            if (nextFailures.isEmpty()) {
                LOG.info("every NTP server gives valid answers again");
            } else {
                LOG.warn("NTP servers give no valid answer: {}", nextFailures);
            }
        }
        outliers = nextOutliers;
        failures = nextFailures;
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
        details.put("minAgreeing", settings.minAgreeing());
        details.put("agreeing", String.join(",", agreeing));
        if (!outliers.isEmpty()) {
            details.put("disagreeing", describe(outliers));
        }
        if (!failures.isEmpty()) {
            details.put("failed", describe(failures));
        }
        if (next != null) {
            details.put("reason", next);
            LOG.warn("TSA time source unavailable, time-stamps are refused (timeNotAvailable): {}", next);
        } else {
            LOG.info("TSA time source available: the clock is within {} ms of NTP time (offset {} ms, agreeing {})",
                    settings.maxOffset().toMillis(), lastOffsetMillis, agreeing);
        }
        try {
            audit.accept(AuditEvent.of("signet", next != null ? "tsa.time.unavailable" : "tsa.time.available", "tsa-time", "ntp",
                    details));
        } catch (RuntimeException e) {
            LOG.warn("the time source change could not be audited: {}", e.toString());
        }
    }

    private static String describe(Map<String, String> byServer) {
        List<String> parts = new ArrayList<>();
        byServer.forEach((server, what) -> parts.add(server + ": " + what));
        return String.join("; ", parts);
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
