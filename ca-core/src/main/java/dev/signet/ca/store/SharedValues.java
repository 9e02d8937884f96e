package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.SHARED_VALUE;

import dev.signet.ca.StoreException;
import java.util.Optional;

/** Values every node must agree on ({@code shared_value}): the first node to offer one sets it for all. */
final class SharedValues {

    private SharedValues() {}

    /** The stored value of {@code name}, after storing {@code offered} if there was none (another node's wins a race). */
    static String agree(Database db, String name, String offered) {
        Checks.notBlank(name, "shared value name");
        db.write(w -> w.tx().insertInto(SHARED_VALUE).set(SHARED_VALUE.NAME, name).set(SHARED_VALUE.VALUE, offered)
                .set(SHARED_VALUE.CREATED_AT, w.now().toEpochMilli()).onDuplicateKeyIgnore().execute());
        return find(db, name).orElseThrow(() -> new StoreException("shared value '" + name + "' vanished"));
    }

    static Optional<String> find(Database db, String name) {
        return db.readOne(dsl -> dsl.select(SHARED_VALUE.VALUE).from(SHARED_VALUE).where(SHARED_VALUE.NAME.eq(name))
                .fetchOptional(SHARED_VALUE.VALUE));
    }
}
