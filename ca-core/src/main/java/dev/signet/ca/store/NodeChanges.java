package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.NODE_CHANGE;

import java.util.Map;

/**
 * The generation of each kind of change that nodes cache ({@code node_change}): a write that
 * changes one bumps its topic in the same transaction, and every node polls {@link #generations}
 * and drops what it cached for a topic that moved. One small table polled every half second keeps
 * several nodes within a second of each other on SQLite and PostgreSQL alike, with no engine
 * feature (LISTEN/NOTIFY) that the other lacks.
 */
public final class NodeChanges {

    /** A CA was created, retired, or got its certificate. */
    public static final String CAS = "cas";
    /** An operator reloaded the profile directory. */
    public static final String PROFILES = "profiles";
    /** An API token was revoked. */
    public static final String TOKENS = "tokens";
    /** A TSA was re-keyed, retired, or got its certificate. */
    public static final String TSAS = "tsas";

    private final Database db;

    public NodeChanges(Database db) {
        this.db = db;
    }

    /** Every topic's generation (one single-statement read). */
    public Map<String, Long> generations() {
        return db.readOne(dsl -> dsl.select(NODE_CHANGE.TOPIC, NODE_CHANGE.GENERATION).from(NODE_CHANGE)
                .fetchMap(NODE_CHANGE.TOPIC, NODE_CHANGE.GENERATION));
    }

    /**
     * Records an event that changes only what nodes hold in memory (a profile reload): its audit
     * entry and the topic's bump in one transaction.
     */
    public void record(AuditEvent event, String topic) {
        Checks.notNull(event, "audit event");
        db.write(w -> {
            w.audit(event);
            bump(w, topic);
            return null;
        });
    }

    /** Bumps {@code topic} inside a write; the other nodes see it once it commits. */
    static void bump(WriteContext w, String topic) {
        int rows = w.tx().update(NODE_CHANGE).set(NODE_CHANGE.GENERATION, NODE_CHANGE.GENERATION.plus(1L))
                .where(NODE_CHANGE.TOPIC.eq(topic)).execute();
        if (rows != 1) {
            throw new IllegalStateException("no change topic '" + topic + "' in node_change");
        }
    }
}
