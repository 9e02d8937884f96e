package dev.signet.ca;

import dev.signet.ca.audit.CanonicalJson;
import dev.signet.ca.datakey.Ciphertext;
import dev.signet.ca.datakey.UsageCounter;
import dev.signet.ca.store.DataKeyStore;
import dev.signet.hsm.DataCipher;
import dev.signet.hsm.EncryptionKeys;
import dev.signet.hsm.HsmException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Named data keys for applications, the way Vault's transit engine and AWS KMS offer them: AES-256
 * keys of purpose {@code DATA_ENCRYPTION} inside the HSM, with versions, states and per-token
 * grants; encrypt and decrypt of small payloads under an encryption context; data keys for
 * envelope encryption; re-wrap to the newest version. Plaintext never reaches the store or the
 * audit log. Every refusal is a {@link DataKeyException}. Thread-safe.
 *
 * <p>Key settings and grants are read from the store and kept for at most {@link #CACHE_TTL}, so a
 * change made on another node applies here within that time; one made here applies at once.
 */
public final class DataKeys {

    /** The largest plaintext encrypt takes, as KMS allows (4 KiB there; 64 KiB here). */
    public static final int MAX_PLAINTEXT = 64 * 1024;
    /** The largest encryption context, in canonical JSON bytes. */
    public static final int MAX_CONTEXT = 4096;
    public static final int DATA_KEY_BYTES = 32;
    public static final Duration MIN_WAITING_PERIOD = Duration.ofDays(1);
    public static final Duration MAX_WAITING_PERIOD = Duration.ofDays(365);
    static final Duration CACHE_TTL = Duration.ofSeconds(1);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String SYSTEM = "system:data-key-destruction";

    /** What a grant allows. */
    public enum Operation { ENCRYPT, DECRYPT }

    /** Who calls: the API token (grants are per token) and how the audit log names it. */
    public record Caller(String tokenId, String actor) {}

    /** A fresh data key: the plaintext for the caller to use and forget, and its wrapped copy to store. */
    public record DataKey(byte[] plaintext, String ciphertext, int version) {}

    /** What a ciphertext says about itself, read without decrypting: the key and version it was sealed under. */
    public record CiphertextLabel(String keyName, int version) {}

    /** A ciphertext and the key version it was sealed under (so that a caller need not parse it again). */
    public record Sealed(String ciphertext, int version) {}

    /** The most items one batch takes (Vault's transit has no fixed limit; a request body limit bounds it). */
    public static final int MAX_BATCH_ITEMS = 1000;

    /**
     * One item of a batch: its input (a plaintext, or a ciphertext's text) and its context. Items
     * that share a context should share the map instance: it is then made canonical once.
     */
    public record Item<T>(T input, Map<String, String> context) {}

    /** What became of one item of a batch: a value, or the refusal of that item alone. */
    public record Outcome<T>(T value, DataKeyException error) {
        public static <T> Outcome<T> failed(DataKeyException error) {
            return new Outcome<>(null, error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    private final EncryptionKeys keys;
    private final DataKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final UsageCounter usage;
    private final Map<String, DataCipher> ciphers = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<DataKeyRecord>>> records = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<DataKeyGrant>>> grantCache = new ConcurrentHashMap<>();

    /** The data keys of a node, stored in its {@code storage}: the wiring's way in, which keeps the store hidden. */
    public DataKeys(EncryptionKeys keys, Storage storage, Clock clock) {
        this(keys, new DataKeyStore(storage.database()), clock);
    }

    public DataKeys(EncryptionKeys keys, DataKeyStore store, Clock clock) {
        this.keys = keys;
        this.store = store;
        this.clock = clock;
        this.usage = new UsageCounter(clock);
    }

    // ---- management (admin) ----

    public DataKeyRecord create(String name, String actor) {
        checkName(name);
        if (store.find(name).isPresent()) {
            throw DataKeyException.conflict("data-key-exists", "data key '" + name + "' exists already");
        }
        String label = label(name, 1);
        generate(label);
        try {
            return forget(name, store.create(name, label, actor));
        } catch (RuntimeException e) {
            keys.destroy(label);
            throw e;
        }
    }

    /** Adds a version and makes it the one encrypt uses; older versions still decrypt. */
    public DataKeyRecord rotate(String name, String actor) {
        DataKeyRecord key = get(name);
        int version = key.currentVersion() + 1;
        String label = label(name, version);
        generate(label);
        try {
            return forget(name, store.addVersion(name, version, label, actor));
        } catch (RuntimeException e) {
            keys.destroy(label);
            throw e;
        }
    }

    public DataKeyRecord setMinDecryptVersion(String name, int min, String actor) {
        get(name);
        return forget(name, store.setMinDecryptVersion(name, min, actor));
    }

    public DataKeyRecord enable(String name, String actor) {
        get(name);
        return forget(name, store.changeState(name, List.of(DataKeyRecord.DISABLED), DataKeyRecord.ENABLED, null,
                "datakey.enable", actor));
    }

    public DataKeyRecord disable(String name, String actor) {
        get(name);
        return forget(name, store.changeState(name, List.of(DataKeyRecord.ENABLED), DataKeyRecord.DISABLED, null,
                "datakey.disable", actor));
    }

    /** Stops all use at once and destroys the key's material when {@code waiting} has passed. */
    public DataKeyRecord scheduleDestruction(String name, Duration waiting, String actor) {
        get(name);
        if (waiting.compareTo(MIN_WAITING_PERIOD) < 0 || waiting.compareTo(MAX_WAITING_PERIOD) > 0) {
            throw DataKeyException.refused("waiting-period-out-of-range", "the waiting period is between "
                    + MIN_WAITING_PERIOD.toDays() + " and " + MAX_WAITING_PERIOD.toDays() + " days");
        }
        return forget(name, store.changeState(name, List.of(DataKeyRecord.ENABLED, DataKeyRecord.DISABLED),
                DataKeyRecord.PENDING_DESTRUCTION, clock.instant().plus(waiting), "datakey.schedule-destruction", actor));
    }

    /** Takes a key off the destruction schedule; it comes back disabled. */
    public DataKeyRecord cancelDestruction(String name, String actor) {
        get(name);
        return forget(name, store.changeState(name, List.of(DataKeyRecord.PENDING_DESTRUCTION), DataKeyRecord.DISABLED,
                null, "datakey.cancel-destruction", actor));
    }

    /**
     * Destroys the HSM keys of every key whose waiting period has ended, then records it: from then
     * on nothing it encrypted can be decrypted by anyone. Safe to run on several nodes at once.
     * Returns the names destroyed.
     */
    public List<String> destroyDue() {
        List<String> done = new java.util.ArrayList<>();
        for (DataKeyRecord key : store.dueForDestruction(clock.instant())) {
            for (DataKeyRecord.Version v : key.versions()) {
                ciphers.remove(v.hsmLabel());
                if (keys.find(v.hsmLabel()).isPresent()) {
                    keys.destroy(v.hsmLabel());
                }
            }
            try {
                forget(key.name(), store.changeState(key.name(), List.of(DataKeyRecord.PENDING_DESTRUCTION),
                        DataKeyRecord.DESTROYED, null, "datakey.destroy", SYSTEM));
                done.add(key.name());
            } catch (DataKeyException e) {
                records.remove(key.name()); // another node recorded it first
            }
        }
        return done;
    }

    public DataKeyGrant grant(String name, String tokenId, boolean encrypt, boolean decrypt, String actor) {
        get(name);
        DataKeyGrant g = store.grant(name, tokenId, encrypt, decrypt, actor);
        grantCache.remove(name + "\n" + tokenId);
        return g;
    }

    public void revokeGrant(String name, String tokenId, String actor) {
        store.revokeGrant(name, tokenId, actor);
        grantCache.remove(name + "\n" + tokenId);
    }

    public List<DataKeyGrant> grants(String name) {
        get(name);
        return store.grants(name);
    }

    public List<DataKeyRecord> list() {
        return store.list();
    }

    /** @throws DataKeyException NOT_FOUND */
    public DataKeyRecord get(String name) {
        checkName(name);
        return store.find(name).orElseThrow(() -> DataKeyException.notFound(name));
    }

    /** Whether a key of that name exists (cached like the key itself; for metrics labels). */
    public boolean exists(String name) {
        return name != null && NAME.matcher(name).matches() && cached(records, name, () -> store.find(name)).isPresent();
    }

    // ---- use (tokens with grants) ----

    public String encrypt(String name, Caller caller, byte[] plaintext, Map<String, String> context) {
        return encryptWithVersion(name, caller, plaintext, context).ciphertext();
    }

    /** As {@link #encrypt}, with the version it used. */
    public Sealed encryptWithVersion(String name, Caller caller, byte[] plaintext, Map<String, String> context) {
        DataKeyRecord key = usable(name, caller, Operation.ENCRYPT);
        Sealed out = seal(key, plaintext, canonical(context));
        usage.count(name, caller.actor(), Operation.ENCRYPT);
        return out;
    }

    public byte[] decrypt(String name, Caller caller, String ciphertext, Map<String, String> context) {
        DataKeyRecord key = usable(name, caller, Operation.DECRYPT);
        byte[] out = open(key, ciphertext, canonical(context));
        usage.count(name, caller.actor(), Operation.DECRYPT);
        return out;
    }

    /** A fresh AES-256 data key, and the same key wrapped under the named key's newest version. */
    public DataKey generateDataKey(String name, Caller caller, Map<String, String> context) {
        DataKeyRecord key = usable(name, caller, Operation.ENCRYPT);
        byte[] plaintext = new byte[DATA_KEY_BYTES];
        random.nextBytes(plaintext);
        Sealed wrapped = seal(key, plaintext, canonical(context));
        usage.count(name, caller.actor(), Operation.ENCRYPT);
        return new DataKey(plaintext, wrapped.ciphertext(), wrapped.version());
    }

    /** Decrypts under whatever version the ciphertext names and encrypts under the newest; the plaintext stays here. */
    public String rewrap(String name, Caller caller, String ciphertext, Map<String, String> context) {
        return rewrapWithVersion(name, caller, ciphertext, context).ciphertext();
    }

    /** As {@link #rewrap}, with the version it used. */
    public Sealed rewrapWithVersion(String name, Caller caller, String ciphertext, Map<String, String> context) {
        usable(name, caller, Operation.ENCRYPT);
        DataKeyRecord key = usable(name, caller, Operation.DECRYPT);
        byte[] aad = canonical(context);
        byte[] plaintext = open(key, ciphertext, aad);
        try {
            Sealed out = seal(key, plaintext, aad);
            usage.count(name, caller.actor(), Operation.DECRYPT);
            usage.count(name, caller.actor(), Operation.ENCRYPT);
            return out;
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
    }

    // ---- batches: the grant and the key's state checked once, every item on its own ----

    /**
     * Encrypts each item under the newest version. A refusal of the whole batch (grant, state, too
     * many items) is thrown; an item's own (too large, bad context) is its outcome. Use is counted
     * per item that succeeded.
     */
    public List<Outcome<Sealed>> encryptBatch(String name, Caller caller, List<Item<byte[]>> items) {
        checkBatch(items.size());
        DataKeyRecord key = usable(name, caller, Operation.ENCRYPT);
        // The version, its cipher and header, and the associated data of a shared context: once per batch.
        DataKeyRecord.Version v = key.version(key.currentVersion());
        DataCipher cipher = cipher(v.hsmLabel());
        byte[] header = Ciphertext.header(key.name(), v.version());
        Contexts contexts = new Contexts();
        List<Outcome<Sealed>> out = new java.util.ArrayList<>(items.size());
        int done = 0;
        for (Item<byte[]> item : items) {
            try {
                out.add(new Outcome<>(seal(cipher, header, v.version(), item.input(), contexts.associatedData(header, item.context())), null));
                done++;
            } catch (DataKeyException e) {
                out.add(Outcome.failed(e));
            }
        }
        usage.count(name, caller.actor(), Operation.ENCRYPT, done);
        return out;
    }

    /**
     * Decrypts each item. A tampered item, a wrong context or another key's ciphertext gets the
     * same {@link DataKeyException#undecryptable()} as a single decrypt; the others still decrypt.
     */
    public List<Outcome<byte[]>> decryptBatch(String name, Caller caller, List<Item<String>> items) {
        checkBatch(items.size());
        DataKeyRecord key = usable(name, caller, Operation.DECRYPT);
        Contexts contexts = new Contexts();
        List<Outcome<byte[]>> out = new java.util.ArrayList<>(items.size());
        int done = 0;
        for (Item<String> item : items) {
            try {
                out.add(new Outcome<>(open(key, item.input(), contexts.canonical(item.context())), null));
                done++;
            } catch (DataKeyException e) {
                out.add(Outcome.failed(e));
            }
        }
        usage.count(name, caller.actor(), Operation.DECRYPT, done);
        return out;
    }

    /** Re-wraps each item to the newest version, as {@link #rewrap}; the plaintexts stay here. */
    public List<Outcome<Sealed>> rewrapBatch(String name, Caller caller, List<Item<String>> items) {
        checkBatch(items.size());
        usable(name, caller, Operation.ENCRYPT);
        DataKeyRecord key = usable(name, caller, Operation.DECRYPT);
        Contexts contexts = new Contexts();
        List<Outcome<Sealed>> out = new java.util.ArrayList<>(items.size());
        int done = 0;
        for (Item<String> item : items) {
            byte[] plaintext = null;
            try {
                byte[] aad = contexts.canonical(item.context());
                plaintext = open(key, item.input(), aad);
                out.add(new Outcome<>(seal(key, plaintext, aad), null));
                done++;
            } catch (DataKeyException e) {
                out.add(Outcome.failed(e));
            } finally {
                if (plaintext != null) {
                    java.util.Arrays.fill(plaintext, (byte) 0);
                }
            }
        }
        usage.count(name, caller.actor(), Operation.DECRYPT, done);
        usage.count(name, caller.actor(), Operation.ENCRYPT, done);
        return out;
    }

    /** {@code count} fresh data keys under one context, as {@link #generateDataKey} each. */
    public List<DataKey> generateDataKeys(String name, Caller caller, Map<String, String> context, int count) {
        if (count < 1) {
            throw DataKeyException.badRequest("count-invalid", "count is at least 1");
        }
        checkBatch(count);
        DataKeyRecord key = usable(name, caller, Operation.ENCRYPT);
        byte[] aad = canonical(context);
        List<DataKey> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] plaintext = new byte[DATA_KEY_BYTES];
            random.nextBytes(plaintext);
            Sealed wrapped = seal(key, plaintext, aad);
            out.add(new DataKey(plaintext, wrapped.ciphertext(), wrapped.version()));
        }
        usage.count(name, caller.actor(), Operation.ENCRYPT, count);
        return out;
    }

    /** Writes the use counted since the last flush to the audit log: one entry per key and caller. */
    public void flushUsage() {
        store.recordUsage(usage.drain());
    }

    /**
     * The key name and version a ciphertext names (a client routes a wrapped key by it); nothing
     * is decrypted or checked against the key. @throws DataKeyException undecryptable if malformed
     */
    public static CiphertextLabel describe(String ciphertext) {
        Ciphertext c = Ciphertext.parse(ciphertext);
        return new CiphertextLabel(c.keyName(), c.version());
    }

    // ---- internals ----

    private DataKeyRecord usable(String name, Caller caller, Operation op) {
        checkName(name);
        // The grant first: a token without one learns nothing, not even whether the key exists.
        Optional<DataKeyGrant> grant = cached(grantCache, name + "\n" + caller.tokenId(), () -> store.findGrant(name, caller.tokenId()));
        boolean allowed = grant.map(g -> op == Operation.ENCRYPT ? g.canEncrypt() : g.canDecrypt()).orElse(false);
        if (!allowed) {
            throw DataKeyException.forbidden(name, op.name().toLowerCase(java.util.Locale.ROOT));
        }
        DataKeyRecord key = cached(records, name, () -> store.find(name)).orElseThrow(() -> DataKeyException.notFound(name));
        if (!DataKeyRecord.ENABLED.equals(key.state())) {
            throw DataKeyException.conflict("data-key-state", "data key '" + name + "' is " + key.state());
        }
        return key;
    }

    private Sealed seal(DataKeyRecord key, byte[] plaintext, byte[] context) {
        DataKeyRecord.Version v = key.version(key.currentVersion());
        byte[] header = Ciphertext.header(key.name(), v.version());
        return seal(cipher(v.hsmLabel()), header, v.version(), plaintext, Ciphertext.associatedData(header, context));
    }

    private static Sealed seal(DataCipher cipher, byte[] header, int version, byte[] plaintext, byte[] associatedData) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw DataKeyException.badRequest("plaintext-too-large", "the plaintext is at most " + MAX_PLAINTEXT + " bytes");
        }
        return new Sealed(Ciphertext.encode(header, cipher.encrypt(plaintext, associatedData)), version);
    }

    private static void checkBatch(int items) {
        if (items > MAX_BATCH_ITEMS) {
            throw DataKeyException.tooLarge("batch-too-large", "a batch has at most " + MAX_BATCH_ITEMS + " items");
        }
    }

    /** The canonical bytes of a batch's contexts; the same map instance is made canonical once. */
    private static final class Contexts {
        private Map<String, String> last;
        private byte[] lastBytes;

        private Map<String, String> lastForAad;
        private byte[] lastHeader;
        private byte[] lastAad;

        byte[] canonical(Map<String, String> context) {
            if (context != last || lastBytes == null) {
                byte[] bytes = DataKeys.canonical(context);
                last = context;
                lastBytes = bytes;
            }
            return lastBytes;
        }

        /** The header followed by the canonical context; the same header and map instance are joined once. */
        byte[] associatedData(byte[] header, Map<String, String> context) {
            if (context != lastForAad || header != lastHeader || lastAad == null) {
                byte[] aad = Ciphertext.associatedData(header, canonical(context));
                lastForAad = context;
                lastHeader = header;
                lastAad = aad;
            }
            return lastAad;
        }
    }

    private byte[] open(DataKeyRecord key, String text, byte[] context) {
        Ciphertext c = Ciphertext.parse(text);
        if (c.version() > key.currentVersion() && c.keyName().equals(key.name())) {
            // Rotated on another node within the cache's lifetime: read the key again.
            String name = key.name();
            records.remove(name);
            key = cached(records, name, () -> store.find(name)).orElseThrow(DataKeyException::undecryptable);
        }
        DataKeyRecord.Version v = key.version(c.version());
        if (!c.keyName().equals(key.name()) || v == null) {
            throw DataKeyException.undecryptable();
        }
        if (c.version() < key.minDecryptVersion()) {
            throw DataKeyException.refused("version-below-minimum", "data key '" + key.name() + "' no longer decrypts version "
                    + c.version() + " (the minimum is " + key.minDecryptVersion() + "); re-wrap such ciphertexts before raising it");
        }
        try {
            return cipher(v.hsmLabel()).decrypt(c.sealed(), Ciphertext.associatedData(c.header(), context));
        } catch (HsmException.DecryptionFailed e) {
            throw DataKeyException.undecryptable();
        }
    }

    private DataCipher cipher(String label) {
        DataCipher c = ciphers.get(label);
        if (c == null) {
            c = keys.find(label).orElseThrow(() -> new HsmException.KeyNotFound(label));
            ciphers.put(label, c);
        }
        return c;
    }

    private void generate(String label) {
        try {
            keys.generate(label);
        } catch (HsmException.DuplicateLabel e) {
            throw DataKeyException.conflict("hsm-label-taken", "the HSM already holds a key labelled '" + label + "'");
        }
    }

    private DataKeyRecord forget(String name, DataKeyRecord changed) {
        records.remove(name);
        return changed;
    }

    /** The context as canonical JSON (keys sorted), so that {a,b} and {b,a} are the same context. */
    static byte[] canonical(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            return new byte[0];
        }
        for (Map.Entry<String, String> e : context.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw DataKeyException.badRequest("context-invalid", "the context maps strings to strings");
            }
        }
        byte[] bytes = CanonicalJson.write(new TreeMap<>(context)).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_CONTEXT) {
            throw DataKeyException.badRequest("context-too-large", "the context is at most " + MAX_CONTEXT + " bytes as JSON");
        }
        return bytes;
    }

    static String label(String name, int version) {
        return "datakey." + name + ".v" + version;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw DataKeyException.badRequest("data-key-name-invalid",
                    "a data key name is 1-64 characters: a-z 0-9 _ -, starting with a letter or digit");
        }
    }

    private record Cached<T>(T value, long loadedNanos) {}

    /**
     * A cached lookup. Only found records are kept: a name or token that has none is looked up each
     * time, so that probing made-up names cannot grow the cache.
     */
    private static <T> Optional<T> cached(Map<String, Cached<Optional<T>>> cache, String key,
                                          java.util.function.Supplier<Optional<T>> load) {
        long now = System.nanoTime();
        Cached<Optional<T>> c = cache.get(key);
        if (c != null && now - c.loadedNanos() < CACHE_TTL.toNanos()) {
            return c.value();
        }
        Optional<T> value = load.get();
        if (value.isPresent()) {
            cache.put(key, new Cached<>(value, now));
        } else {
            cache.remove(key);
        }
        return value;
    }
}
