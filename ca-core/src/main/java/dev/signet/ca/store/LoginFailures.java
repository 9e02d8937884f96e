package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.LOGIN_FAILURE;

import java.time.Instant;
import java.util.List;

/**
 * Failed UI logins by throttle key, in the database so that every node counts the same failures.
 * The UI's login throttle decides what the keys are and what the counts mean; this only stores them.
 * Logins are rare, so each call is one small statement; rows past the window go as new ones arrive.
 */
public final class LoginFailures {

    /** Longer keys are cut (the column is 120 characters). */
    public static final int MAX_KEY = 120;

    private final Database db;

    public LoginFailures(Database db) {
        this.db = db;
    }

    /** Records one failure under each key at {@code at}, and forgets failures older than {@code forgetBefore}. */
    public void record(List<String> keys, Instant at, Instant forgetBefore) {
        db.write(w -> {
            w.tx().deleteFrom(LOGIN_FAILURE).where(LOGIN_FAILURE.FAILED_AT.lt(forgetBefore.toEpochMilli())).execute();
            for (String key : keys) {
                w.tx().insertInto(LOGIN_FAILURE).set(LOGIN_FAILURE.THROTTLE_KEY, cut(key))
                        .set(LOGIN_FAILURE.FAILED_AT, at.toEpochMilli()).execute();
            }
            return null;
        });
    }

    /** The newest {@code limit} failures under {@code key} after {@code since}, newest first. */
    public List<Instant> since(String key, Instant since, int limit) {
        return db.readOne(dsl -> dsl.select(LOGIN_FAILURE.FAILED_AT).from(LOGIN_FAILURE)
                .where(LOGIN_FAILURE.THROTTLE_KEY.eq(cut(key)).and(LOGIN_FAILURE.FAILED_AT.gt(since.toEpochMilli())))
                .orderBy(LOGIN_FAILURE.FAILED_AT.desc()).limit(limit)
                .fetch(r -> Instant.ofEpochMilli(r.value1())));
    }

    /** Forgets every failure under {@code key} (a successful login clears its user name's). */
    public void clear(String key) {
        // Most logins follow no failure: a read then, not a write (a commit) on every login.
        if (db.readOne(dsl -> dsl.fetchExists(LOGIN_FAILURE, LOGIN_FAILURE.THROTTLE_KEY.eq(cut(key))))) {
            db.write(w -> w.tx().deleteFrom(LOGIN_FAILURE).where(LOGIN_FAILURE.THROTTLE_KEY.eq(cut(key))).execute());
        }
    }

    private static String cut(String key) {
        return key.length() <= MAX_KEY ? key : key.substring(0, MAX_KEY);
    }
}
