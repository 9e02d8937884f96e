package dev.signet.web.api;

import dev.signet.ca.Storage;
import dev.signet.web.KeyInventory;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.ProblemType;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: 200 when the database answers and the HSM finds the audit key, else a 503
 * problem naming the failed part, so
 * that a load balancer stops sending work to a node whose token or database is gone. The endpoint is
 * public, so a result is reused for {@link #REUSE_NANOS}: a flood of health checks cannot become a
 * flood of HSM calls. Reasons go to the log, not to the anonymous caller.
 */
public final class HealthController {

    private static final Logger LOG = LoggerFactory.getLogger(HealthController.class);
    static final long REUSE_NANOS = 1_000_000_000L;

    /** The 200 body, in this field order. */
    public record Healthy(String status, String database, String hsm) {}

    private record Result(boolean database, boolean hsm, long checkedAt) {
        boolean ok() {
            return database && hsm;
        }
    }

    private final Storage database;
    private final KeyInventory hsm;
    private final String probeKeyLabel;
    private volatile Result last;

    /** {@code probeKeyLabel} names a key that must exist (the audit key): finding it exercises the backend. */
    public HealthController(Storage database, KeyInventory hsm, String probeKeyLabel) {
        this.database = database;
        this.hsm = hsm;
        this.probeKeyLabel = probeKeyLabel;
    }

    public void health(Context ctx) {
        Result r = current();
        ctx.header("Cache-Control", "no-store");
        if (!r.ok()) {
            // Which part failed is not a secret; why it failed (paths, token state) stays in the log.
            throw new ApiException(ProblemType.UNAVAILABLE, "not able to serve: database "
                    + (r.database() ? "ok" : "failed") + ", HSM " + (r.hsm() ? "ok" : "failed"));
        }
        Json.write(ctx, 200, new Healthy("ok", "ok", "ok"));
    }

    private Result current() {
        Result r = last;
        long now = System.nanoTime();
        if (r != null && now - r.checkedAt() < REUSE_NANOS) {
            return r;
        }
        r = new Result(checkDatabase(), checkHsm(), now);
        last = r;
        return r;
    }

    private boolean checkDatabase() {
        try {
            database.check();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("health: database check failed: {}", e.getMessage());
            return false;
        }
    }

    private boolean checkHsm() {
        try {
            if (!hsm.holds(probeKeyLabel)) {
                LOG.warn("health: the HSM has no key '{}'", probeKeyLabel);
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("health: HSM check failed: {}", e.getMessage());
            return false;
        }
    }
}
