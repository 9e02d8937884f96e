package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.API_TOKEN;
import static dev.signet.ca.store.schema.Tables.DATA_KEY;
import static dev.signet.ca.store.schema.Tables.DATA_KEY_GRANT;
import static dev.signet.ca.store.schema.Tables.DATA_KEY_VERSION;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeyGrant;
import dev.signet.ca.DataKeyRecord;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.store.schema.tables.records.ApiTokenRow;
import dev.signet.ca.store.schema.tables.records.DataKeyRow;
import dev.signet.ca.store.schema.tables.records.DataKeyVersionRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jooq.DSLContext;

/**
 * Named data keys, their versions, states and grants (the key material is in the HSM, never here).
 * Every change is checked against the row as it is inside the write, so two concurrent changes
 * cannot both succeed from one stale read, and writes its audit entry in the same transaction.
 */
public final class DataKeyStore {

    private final Database db;

    public DataKeyStore(Database db) {
        this.db = db;
    }

    /** Stores a new key with its first version. */
    public DataKeyRecord create(String name, String hsmLabel, String actor) {
        return db.write(w -> {
            if (w.tx().fetchExists(DATA_KEY, DATA_KEY.NAME.eq(name))) {
                throw DataKeyException.conflict("data-key-exists", "data key '" + name + "' exists already");
            }
            long now = w.now().toEpochMilli();
            w.tx().insertInto(DATA_KEY)
                    .set(DATA_KEY.NAME, name)
                    .set(DATA_KEY.STATE, DataKeyRecord.ENABLED)
                    .set(DATA_KEY.CURRENT_VERSION, 1)
                    .set(DATA_KEY.MIN_DECRYPT_VERSION, 1)
                    .set(DATA_KEY.CREATED_AT, now)
                    .execute();
            insertVersion(w.tx(), name, 1, hsmLabel, now);
            w.audit(new AuditEvent(actor, "datakey.create", "data-key", name,
                    CanonicalJson.write(Map.of("version", 1, "hsmLabel", hsmLabel))));
            return load(w.tx(), name).orElseThrow();
        });
    }

    /** Adds version {@code version} (which must be the current one plus one) and makes it current. */
    public DataKeyRecord addVersion(String name, int version, String hsmLabel, String actor) {
        return change(name, actor, "datakey.rotate", (w, row) -> {
            requireUsable(row);
            if (row.getCurrentVersion() + 1 != version) {
                throw DataKeyException.conflict("data-key-changed", "data key '" + name + "' was rotated meanwhile");
            }
            insertVersion(w.tx(), name, version, hsmLabel, w.now().toEpochMilli());
            row.setCurrentVersion(version);
        }, Map.of("version", version, "hsmLabel", hsmLabel));
    }

    public DataKeyRecord setMinDecryptVersion(String name, int min, String actor) {
        return change(name, actor, "datakey.min-decrypt-version", (w, row) -> {
            requireNotDestroyed(row);
            if (min < 1 || min > row.getCurrentVersion()) {
                throw DataKeyException.refused("min-version-out-of-range",
                        "the minimum decrypt version must be between 1 and the current version " + row.getCurrentVersion());
            }
            row.setMinDecryptVersion(min);
        }, Map.of("minDecryptVersion", min));
    }

    /**
     * Moves the key from state {@code from} to {@code to}; {@code destroyAfter} is kept only with
     * {@link DataKeyRecord#PENDING_DESTRUCTION}.
     */
    public DataKeyRecord changeState(String name, List<String> from, String to, Instant destroyAfter, String action,
                                     String actor) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", to);
        if (destroyAfter != null) {
            details.put("destroyAfter", destroyAfter.toString());
        }
        return change(name, actor, action, (w, row) -> {
            if (!from.contains(row.getState())) {
                throw DataKeyException.conflict("data-key-state",
                        "data key '" + name + "' is " + row.getState() + "; this needs it " + String.join(" or ", from));
            }
            row.setState(to);
            row.setDestroyAfter(destroyAfter == null ? null : destroyAfter.toEpochMilli());
        }, details);
    }

    /** Gives (or replaces) a token's grant on a key. Auditor tokens get none: they see metadata only. */
    public DataKeyGrant grant(String name, String tokenId, boolean encrypt, boolean decrypt, String actor) {
        if (!encrypt && !decrypt) {
            throw DataKeyException.refused("grant-empty", "a grant allows encrypt, decrypt or both");
        }
        return db.write(w -> {
            DataKeyRow key = w.tx().selectFrom(DATA_KEY).where(DATA_KEY.NAME.eq(name)).fetchOne();
            if (key == null) {
                throw DataKeyException.notFound(name);
            }
            requireNotDestroyed(key);
            ApiTokenRow token = w.tx().selectFrom(API_TOKEN).where(API_TOKEN.ID.eq(tokenId)).fetchOne();
            if (token == null) {
                throw new NotFoundException("token", tokenId);
            }
            if ("auditor".equals(token.getRole())) {
                throw DataKeyException.refused("grant-to-auditor", "auditor tokens see key metadata only and get no grants");
            }
            long now = w.now().toEpochMilli();
            w.tx().insertInto(DATA_KEY_GRANT)
                    .set(DATA_KEY_GRANT.KEY_NAME, name)
                    .set(DATA_KEY_GRANT.TOKEN_ID, tokenId)
                    .set(DATA_KEY_GRANT.CAN_ENCRYPT, encrypt)
                    .set(DATA_KEY_GRANT.CAN_DECRYPT, decrypt)
                    .set(DATA_KEY_GRANT.CREATED_AT, now)
                    .onConflict(DATA_KEY_GRANT.KEY_NAME, DATA_KEY_GRANT.TOKEN_ID)
                    .doUpdate()
                    .set(DATA_KEY_GRANT.CAN_ENCRYPT, encrypt)
                    .set(DATA_KEY_GRANT.CAN_DECRYPT, decrypt)
                    .execute();
            w.audit(new AuditEvent(actor, "datakey.grant", "data-key", name,
                    CanonicalJson.write(Map.of("tokenId", tokenId, "encrypt", encrypt, "decrypt", decrypt))));
            return new DataKeyGrant(name, tokenId, encrypt, decrypt, w.now());
        });
    }

    /** Removes a token's grant on a key. @throws NotFoundException if it had none */
    public void revokeGrant(String name, String tokenId, String actor) {
        db.write(w -> {
            int n = w.tx().deleteFrom(DATA_KEY_GRANT)
                    .where(DATA_KEY_GRANT.KEY_NAME.eq(name), DATA_KEY_GRANT.TOKEN_ID.eq(tokenId)).execute();
            if (n == 0) {
                throw new NotFoundException("grant on data key '" + name + "' for token", tokenId);
            }
            w.audit(new AuditEvent(actor, "datakey.revoke-grant", "data-key", name,
                    CanonicalJson.write(Map.of("tokenId", tokenId))));
            return null;
        });
    }

    public Optional<DataKeyRecord> find(String name) {
        return db.read(dsl -> load(dsl, name));
    }

    /** All keys, by name. */
    public List<DataKeyRecord> list() {
        return db.read(dsl -> {
            Map<String, List<DataKeyRecord.Version>> versions = new LinkedHashMap<>();
            for (DataKeyVersionRow v : dsl.selectFrom(DATA_KEY_VERSION).orderBy(DATA_KEY_VERSION.KEY_NAME, DATA_KEY_VERSION.VERSION)) {
                versions.computeIfAbsent(v.getKeyName(), k -> new java.util.ArrayList<>()).add(toVersion(v));
            }
            return dsl.selectFrom(DATA_KEY).orderBy(DATA_KEY.NAME)
                    .fetch(r -> toRecord(r, versions.getOrDefault(r.getName(), List.of())));
        });
    }

    /** Keys scheduled for destruction whose waiting period has ended at {@code now}. */
    public List<DataKeyRecord> dueForDestruction(Instant now) {
        return list().stream()
                .filter(k -> DataKeyRecord.PENDING_DESTRUCTION.equals(k.state()) && !k.destroyAfter().isAfter(now))
                .toList();
    }

    /** The grant of one token on one key, if any: read on every encrypt and decrypt. */
    public Optional<DataKeyGrant> findGrant(String name, String tokenId) {
        return db.readOne(dsl -> dsl.selectFrom(DATA_KEY_GRANT)
                .where(DATA_KEY_GRANT.KEY_NAME.eq(name), DATA_KEY_GRANT.TOKEN_ID.eq(tokenId))
                .fetchOptional(g -> new DataKeyGrant(g.getKeyName(), g.getTokenId(), g.getCanEncrypt(), g.getCanDecrypt(),
                        Instant.ofEpochMilli(g.getCreatedAt()))));
    }

    public List<DataKeyGrant> grants(String name) {
        return db.read(dsl -> dsl.selectFrom(DATA_KEY_GRANT).where(DATA_KEY_GRANT.KEY_NAME.eq(name))
                .orderBy(DATA_KEY_GRANT.CREATED_AT, DATA_KEY_GRANT.TOKEN_ID)
                .fetch(g -> new DataKeyGrant(g.getKeyName(), g.getTokenId(), g.getCanEncrypt(), g.getCanDecrypt(),
                        Instant.ofEpochMilli(g.getCreatedAt()))));
    }

    /** Writes one audit entry per key and caller for an interval's use, all in one transaction. */
    public void recordUsage(List<DataKeyUsage> usage) {
        if (usage.isEmpty()) {
            return;
        }
        db.write(w -> {
            for (DataKeyUsage u : usage) {
                w.audit(new AuditEvent(u.actor(), "datakey.use", "data-key", u.keyName(), CanonicalJson.write(Map.of(
                        "encrypts", u.encrypts(), "decrypts", u.decrypts(),
                        "from", u.from().toString(), "to", u.to().toString()))));
            }
            return null;
        });
    }

    private interface RowChange {
        void apply(WriteContext w, DataKeyRow row);
    }

    private DataKeyRecord change(String name, String actor, String action, RowChange change, Map<String, ?> details) {
        return db.write(w -> {
            DataKeyRow row = w.tx().selectFrom(DATA_KEY).where(DATA_KEY.NAME.eq(name)).fetchOne();
            if (row == null) {
                throw DataKeyException.notFound(name);
            }
            change.apply(w, row);
            row.update();
            w.audit(new AuditEvent(actor, action, "data-key", name, CanonicalJson.write(details)));
            return load(w.tx(), name).orElseThrow();
        });
    }

    private static void requireNotDestroyed(DataKeyRow row) {
        if (DataKeyRecord.DESTROYED.equals(row.getState())) {
            throw DataKeyException.conflict("data-key-state", "data key '" + row.getName() + "' is destroyed");
        }
    }

    private static void requireUsable(DataKeyRow row) {
        if (!DataKeyRecord.ENABLED.equals(row.getState()) && !DataKeyRecord.DISABLED.equals(row.getState())) {
            throw DataKeyException.conflict("data-key-state", "data key '" + row.getName() + "' is " + row.getState());
        }
    }

    private static void insertVersion(DSLContext tx, String name, int version, String hsmLabel, long now) {
        tx.insertInto(DATA_KEY_VERSION)
                .set(DATA_KEY_VERSION.KEY_NAME, name)
                .set(DATA_KEY_VERSION.VERSION, version)
                .set(DATA_KEY_VERSION.HSM_LABEL, hsmLabel)
                .set(DATA_KEY_VERSION.CREATED_AT, now)
                .execute();
    }

    private static Optional<DataKeyRecord> load(DSLContext dsl, String name) {
        DataKeyRow row = dsl.selectFrom(DATA_KEY).where(DATA_KEY.NAME.eq(name)).fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        List<DataKeyRecord.Version> versions = dsl.selectFrom(DATA_KEY_VERSION).where(DATA_KEY_VERSION.KEY_NAME.eq(name))
                .orderBy(DATA_KEY_VERSION.VERSION).fetch(DataKeyStore::toVersion);
        return Optional.of(toRecord(row, versions));
    }

    private static DataKeyRecord.Version toVersion(DataKeyVersionRow v) {
        return new DataKeyRecord.Version(v.getVersion(), v.getHsmLabel(), Instant.ofEpochMilli(v.getCreatedAt()));
    }

    private static DataKeyRecord toRecord(DataKeyRow r, List<DataKeyRecord.Version> versions) {
        return new DataKeyRecord(r.getName(), r.getState(), r.getCurrentVersion(), r.getMinDecryptVersion(),
                Instant.ofEpochMilli(r.getCreatedAt()), r.getDestroyAfter() == null ? null : Instant.ofEpochMilli(r.getDestroyAfter()),
                versions);
    }
}
