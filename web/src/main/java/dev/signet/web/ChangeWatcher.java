package dev.signet.web;

import dev.signet.ca.Storage;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's caches in step with changes other nodes make: polls the change generations
 * ({@link Storage#changeGenerations}) every {@link #POLL} and runs the action of each topic whose generation moved.
 * A change made on this node moves the generation too, so its action runs here as well (harmless:
 * the cache was already dropped). While the database is unreachable the poll fails, is logged once,
 * and the caches' own lifetimes still bound how stale they get.
 */
final class ChangeWatcher implements AutoCloseable {

    /** How often the generations are read: a change reaches every node within about this plus the action. */
    static final Duration POLL = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatcher.class);

    private final Storage changes;
    private final Map<String, Runnable> actions = new LinkedHashMap<>();
    private final Map<String, Long> seen = new HashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "signet-change-watcher");
        t.setDaemon(true);
        return t;
    });
    private boolean failing;

    ChangeWatcher(Storage changes) {
        this.changes = changes;
    }

    /** Runs {@code action} after another node changed {@code topic}; register before {@link #start}. */
    ChangeWatcher on(String topic, Runnable action) {
        actions.put(topic, action);
        return this;
    }

    /** Notes the current generations (what this node loaded already reflects them) and starts polling. */
    void start() {
        seen.putAll(changes.changeGenerations());
        long ms = POLL.toMillis();
        thread.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** One poll; on the watcher thread only. */
    void poll() {
        Map<String, Long> now;
        try {
            now = changes.changeGenerations();
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("cannot read the change generations, caches fall back to their own lifetimes: {}", e.toString());
                failing = true;
            }
            return;
        }
        if (failing) {
            LOG.info("change generations readable again");
            failing = false;
        }
        for (Map.Entry<String, Runnable> a : actions.entrySet()) {
            Long generation = now.get(a.getKey());
            if (generation == null || generation.equals(seen.get(a.getKey()))) {
                continue;
            }
            // Noted first: a change committed while the action runs moves the generation again.
            seen.put(a.getKey(), generation);
            try {
                a.getValue().run();
            } catch (RuntimeException e) {
                LOG.warn("applying a change of '{}' failed: {}", a.getKey(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
