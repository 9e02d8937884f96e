package dev.signet.web.api;

import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeys;
import dev.signet.ca.DataKeyGrant;
import dev.signet.ca.DataKeyRecord;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.Principal;
import dev.signet.web.auth.SecurityAudit;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import io.javalin.http.servlet.MaxRequestSize;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/v1/keys/data/...}: named data keys. Admins create and manage them and give tokens
 * grants; auditors read their metadata; tokens with a grant encrypt, decrypt, generate data keys
 * and re-wrap. Plaintext (base64 in JSON) is answered with {@code Cache-Control: no-store}.
 */
public final class DataKeyController {

    public record CreateKey(String name) {}

    public record MinVersion(Integer version) {}

    public record ScheduleDestruction(Integer waitingDays) {}

    public record GrantRequest(String tokenId, List<String> operations) {}

    public record EncryptRequest(String plaintext, Map<String, String> context) {}

    public record CiphertextRequest(String ciphertext, Map<String, String> context) {}

    /** {@code includePlaintext: false} is AWS KMS's GenerateDataKeyWithoutPlaintext, Vault's {@code datakey/wrapped}. */
    public record DataKeyRequest(Map<String, String> context, Integer count, Boolean includePlaintext) {}

    public record VersionView(int version, String created) {}

    public record GrantView(String tokenId, List<String> operations, String created) {
        static GrantView of(DataKeyGrant g) {
            return new GrantView(g.tokenId(), DataKeyController.operations(g), Views.text(g.created()));
        }
    }

    public record DataKeyView(String name, String algorithm, String state, int currentVersion, int minDecryptVersion,
                              String created, String destroyAfter, List<VersionView> versions, List<GrantView> grants) {
        static DataKeyView of(DataKeyRecord k, List<DataKeyGrant> grants) {
            return new DataKeyView(k.name(), "AES_256_GCM", k.state(), k.currentVersion(), k.minDecryptVersion(),
                    Views.text(k.created()), Views.text(k.destroyAfter()),
                    k.versions().stream().map(v -> new VersionView(v.version(), Views.text(v.created()))).toList(),
                    grants == null ? null : grants.stream().map(GrantView::of).toList());
        }
    }

    public record CiphertextView(String ciphertext, String keyName, int keyVersion) {}

    public record PlaintextView(String plaintext) {}

    public record DataKeyPair(String plaintext, String ciphertext, String keyName, int keyVersion) {}

    public record DataKeyItem(String plaintext, String ciphertext, int keyVersion) {}

    public record DataKeyBatchView(String keyName, List<DataKeyItem> batchResults) {}

    /** A data key made for later: only its wrapped copy, for a service that stores it until it needs the key. */
    public record WrappedDataKey(String ciphertext, String keyName, int keyVersion) {}

    public record WrappedDataKeyItem(String ciphertext, int keyVersion) {}

    public record WrappedDataKeyBatchView(String keyName, List<WrappedDataKeyItem> batchResults) {}

    private final DataKeys keys;
    private final SecurityAudit audit;
    private final MeterRegistry metrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DataKeyController(DataKeys keys, SecurityAudit audit, MeterRegistry metrics) {
        this.keys = keys;
        this.audit = audit;
        this.metrics = metrics;
    }

    // ---- management ----

    public void create(Context ctx) {
        CreateKey req = Json.read(ctx, CreateKey.class);
        DataKeyRecord k = keys.create(req.name(), actor(ctx));
        Json.write(ctx, 201, DataKeyView.of(k, List.of()));
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, keys.list().stream().map(k -> DataKeyView.of(k, null)).toList());
    }

    public void get(Context ctx) {
        String name = ctx.pathParam("name");
        DataKeyRecord k = keys.get(name);
        Json.write(ctx, 200, DataKeyView.of(k, keys.grants(name)));
    }

    public void rotate(Context ctx) {
        writeKey(ctx, keys.rotate(ctx.pathParam("name"), actor(ctx)));
    }

    public void minDecryptVersion(Context ctx) {
        MinVersion req = Json.read(ctx, MinVersion.class);
        if (req.version() == null) {
            throw ApiException.badRequest("version is required");
        }
        writeKey(ctx, keys.setMinDecryptVersion(ctx.pathParam("name"), req.version(), actor(ctx)));
    }

    public void enable(Context ctx) {
        writeKey(ctx, keys.enable(ctx.pathParam("name"), actor(ctx)));
    }

    public void disable(Context ctx) {
        writeKey(ctx, keys.disable(ctx.pathParam("name"), actor(ctx)));
    }

    public void scheduleDestruction(Context ctx) {
        ScheduleDestruction req = Json.read(ctx, ScheduleDestruction.class);
        int days = req.waitingDays() == null ? 30 : req.waitingDays();
        writeKey(ctx, keys.scheduleDestruction(ctx.pathParam("name"), Duration.ofDays(days), actor(ctx)));
    }

    public void cancelDestruction(Context ctx) {
        writeKey(ctx, keys.cancelDestruction(ctx.pathParam("name"), actor(ctx)));
    }

    public void grant(Context ctx) {
        GrantRequest req = Json.read(ctx, GrantRequest.class);
        if (req.tokenId() == null || req.tokenId().isBlank()) {
            throw ApiException.badRequest("tokenId is required");
        }
        List<String> ops = req.operations() == null ? List.of() : req.operations();
        for (String op : ops) {
            if (!op.equals("encrypt") && !op.equals("decrypt")) {
                throw ApiException.badRequest("operations are 'encrypt' and 'decrypt'");
            }
        }
        DataKeyGrant g = keys.grant(ctx.pathParam("name"), req.tokenId(), ops.contains("encrypt"), ops.contains("decrypt"),
                actor(ctx));
        Json.write(ctx, 200, GrantView.of(g));
    }

    public void revokeGrant(Context ctx) {
        keys.revokeGrant(ctx.pathParam("name"), ctx.pathParam("tokenId"), actor(ctx));
        writeKey(ctx, keys.get(ctx.pathParam("name")));
    }

    // ---- use ----

    public void encrypt(Context ctx) {
        byte[] body = body(ctx);
        String name = ctx.pathParam("name");
        DataKeyBatch.Request<byte[]> batch = DataKeyBatch.mayBe(body) ? DataKeyBatch.readPlaintexts(body) : null;
        if (batch != null) {
            List<DataKeys.Outcome<DataKeys.Sealed>> out = useBatch(ctx, name, "encrypt",
                    () -> DataKeyBatch.run(batch, items -> keys.encryptBatch(name, caller(ctx), items)));
            answer(ctx, name, "encrypt", out, batch, body.length, false, DataKeyController::writeSealed);
            return;
        }
        EncryptRequest req = Json.parse(body, EncryptRequest.class);
        byte[] plaintext = base64(req.plaintext(), "plaintext");
        DataKeys.Sealed sealed = use(ctx, name, "encrypt", () -> keys.encryptWithVersion(name, caller(ctx), plaintext, req.context()));
        Json.write(ctx, 200, new CiphertextView(sealed.ciphertext(), name, sealed.version()));
    }

    public void decrypt(Context ctx) {
        byte[] body = body(ctx);
        String name = ctx.pathParam("name");
        DataKeyBatch.Request<String> batch = DataKeyBatch.mayBe(body) ? DataKeyBatch.readCiphertexts(body) : null;
        if (batch != null) {
            List<DataKeys.Outcome<byte[]>> out = useBatch(ctx, name, "decrypt",
                    () -> DataKeyBatch.run(batch, items -> keys.decryptBatch(name, caller(ctx), items)));
            // Standard base64 with padding, as the single answer.
            answer(ctx, name, "decrypt", out, batch, body.length, true, (w, plaintext) -> w.name("plaintext").base64String(plaintext));
            return;
        }
        CiphertextRequest req = Json.parse(body, CiphertextRequest.class);
        byte[] plaintext = use(ctx, name, "decrypt", () -> keys.decrypt(name, caller(ctx), req.ciphertext(), req.context()));
        ctx.header("Cache-Control", "no-store");
        Json.write(ctx, 200, new PlaintextView(Base64.getEncoder().encodeToString(plaintext)));
    }

    public void generateDataKey(Context ctx) {
        DataKeyRequest req = Json.read(ctx, DataKeyRequest.class);
        String name = ctx.pathParam("name");
        boolean plaintext = req.includePlaintext() == null || req.includePlaintext();
        if (plaintext) {
            ctx.header("Cache-Control", "no-store");
        }
        if (req.count() != null) {
            List<DataKeys.DataKey> made = use(ctx, name, "encrypt",
                    () -> keys.generateDataKeys(name, caller(ctx), req.context(), req.count()));
            counter(name, "encrypt", "ok").increment(made.size() - 1); // use() counted the first
            if (!plaintext) {
                made.forEach(DataKeyController::forget);
                Json.write(ctx, 200, new WrappedDataKeyBatchView(name,
                        made.stream().map(k -> new WrappedDataKeyItem(k.ciphertext(), k.version())).toList()));
                return;
            }
            Json.write(ctx, 200, new DataKeyBatchView(name, made.stream().map(k -> new DataKeyItem(
                    Base64.getEncoder().encodeToString(k.plaintext()), k.ciphertext(), k.version())).toList()));
            return;
        }
        DataKeys.DataKey k = use(ctx, name, "encrypt", () -> keys.generateDataKey(name, caller(ctx), req.context()));
        if (!plaintext) {
            forget(k);
            Json.write(ctx, 200, new WrappedDataKey(k.ciphertext(), name, k.version()));
            return;
        }
        Json.write(ctx, 200, new DataKeyPair(Base64.getEncoder().encodeToString(k.plaintext()), k.ciphertext(), name, k.version()));
    }

    /** The plaintext of a data key that is not answered: not left in memory until the collector comes by. */
    private static void forget(DataKeys.DataKey k) {
        java.util.Arrays.fill(k.plaintext(), (byte) 0);
    }

    public void rewrap(Context ctx) {
        byte[] body = body(ctx);
        String name = ctx.pathParam("name");
        DataKeyBatch.Request<String> batch = DataKeyBatch.mayBe(body) ? DataKeyBatch.readCiphertexts(body) : null;
        if (batch != null) {
            List<DataKeys.Outcome<DataKeys.Sealed>> out = useBatch(ctx, name, "rewrap",
                    () -> DataKeyBatch.run(batch, items -> keys.rewrapBatch(name, caller(ctx), items)));
            answer(ctx, name, "rewrap", out, batch, body.length, false, DataKeyController::writeSealed);
            return;
        }
        CiphertextRequest req = Json.parse(body, CiphertextRequest.class);
        DataKeys.Sealed sealed = use(ctx, name, "rewrap", () -> keys.rewrapWithVersion(name, caller(ctx), req.ciphertext(), req.context()));
        Json.write(ctx, 200, new CiphertextView(sealed.ciphertext(), name, sealed.version()));
    }

    /**
     * The body, read in one piece into an array of its declared length: the body is already in
     * memory (read eagerly ahead of Javalin), and a batch's hundred kilobytes are then copied once,
     * not through a growing buffer. Without a length, and over the limit, as Javalin reads it.
     */
    private static byte[] body(Context ctx) {
        if (!Json.isJson(ctx)) {
            throw ApiException.unsupportedMediaType("send Content-Type: application/json");
        }
        long length = ctx.req().getContentLengthLong();
        Long max = ctx.appData(MaxRequestSize.INSTANCE.getMaxRequestSizeKey());
        if (length < 0 || max == null || length > max) {
            return ctx.bodyAsBytes(); // 413 over the limit
        }
        try {
            // Into the array itself: readNBytes(int) reads 8 KiB pieces and copies them together again.
            byte[] body = new byte[(int) length];
            if (ctx.req().getInputStream().readNBytes(body, 0, body.length) != length) {
                throw ApiException.badRequest("the body is shorter than its Content-Length");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSealed(JsonBytesWriter w, DataKeys.Sealed sealed) {
        // signet:v1: and base64url: nothing to escape.
        w.name("ciphertext").asciiString(sealed.ciphertext()).raw(',').name("keyVersion").number(sealed.version());
    }

    /** Runs a whole batch as one use: a refusal of the batch counts once, as a single request's would. */
    private <T> List<DataKeys.Outcome<T>> useBatch(Context ctx, String name, String operation, Use<List<DataKeys.Outcome<T>>> use) {
        return use(ctx, name, operation, use, false);
    }

    /** Writes a batch's answer and counts its items in metrics, one per item and outcome. */
    private <T> void answer(Context ctx, String name, String operation, List<DataKeys.Outcome<T>> outcomes,
                            DataKeyBatch.Request<?> request, int sizeHint, boolean plaintext, DataKeyBatch.ValueWriter<T> value) {
        DataKeyBatch.Answer a = DataKeyBatch.answer(name, ctx.path(), outcomes, request.partialFailureStatus(), sizeHint, value);
        if (a.failed() < outcomes.size()) {
            counter(name, operation, "ok").increment(outcomes.size() - a.failed());
        }
        if (a.failed() > 0) {
            counter(name, operation, "refused").increment(a.failed());
        }
        if (plaintext) {
            ctx.header("Cache-Control", "no-store");
        }
        ctx.status(a.status()).contentType(a.contentType()).result(a.body().stream()); // the array as it is, not a copy
    }

    private interface Use<T> {
        T run();
    }

    /** Runs one use of a key, counting it per key and operation, and auditing a refusal for want of a grant. */
    private <T> T use(Context ctx, String name, String operation, Use<T> use) {
        return use(ctx, name, operation, use, true);
    }

    private <T> T use(Context ctx, String name, String operation, Use<T> use, boolean countSuccess) {
        try {
            T out = use.run();
            if (countSuccess) {
                counter(name, operation, "ok").increment();
            }
            return out;
        } catch (DataKeyException e) {
            counter(name, operation, "refused").increment();
            if (e.kind() == DataKeyException.Kind.FORBIDDEN) {
                audit.refused(Guard.principal(ctx).actor(), ctx.method().name(), ctx.path(), 403, e.code());
            }
            throw e;
        }
    }

    private Counter counter(String name, String operation, String outcome) {
        // Only keys that exist get a series of their own, so that probing names cannot grow the registry.
        String key = keys.exists(name) ? name : "unknown";
        return counters.computeIfAbsent(key + "/" + operation + "/" + outcome, k -> Counter.builder("signet.datakeys.operations").description("Data-key operations by key, operation and outcome")
                .tag("key", key).tag("operation", operation).tag("outcome", outcome).register(metrics));
    }

    private static byte[] base64(String value, String field) {
        if (value == null) {
            throw ApiException.badRequest(field + " is required (base64)");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + " is not valid base64");
        }
    }

    private void writeKey(Context ctx, DataKeyRecord k) {
        Json.write(ctx, 200, DataKeyView.of(k, keys.grants(k.name())));
    }

    private static List<String> operations(DataKeyGrant g) {
        return g.canEncrypt() && g.canDecrypt() ? List.of("encrypt", "decrypt")
                : g.canEncrypt() ? List.of("encrypt") : List.of("decrypt");
    }

    private static String actor(Context ctx) {
        return Guard.principal(ctx).actor();
    }

    private static DataKeys.Caller caller(Context ctx) {
        Principal p = Guard.principal(ctx);
        return new DataKeys.Caller(p.tokenId(), p.actor());
    }
}
