package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.AuditEntry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The data-key API over HTTP, run unchanged against each HSM backend (the subclasses start the
 * server): what an application relies on when it encrypts through Signet.
 */
abstract class DataKeyConformance {

    static final AtomicInteger NAMES = new AtomicInteger();
    static final Map<String, String> CONTEXT = Map.of("table", "customers", "row", "42");

    abstract TestServer server();

    String admin;

    String admin() {
        if (admin == null) {
            admin = server().token("admin");
        }
        return admin;
    }

    /** A new key and a signer token granted {@code operations} on it. */
    record KeyAndToken(String name, String token, String tokenId) {}

    KeyAndToken keyWithToken(String... operations) throws Exception {
        String name = "app-" + NAMES.incrementAndGet();
        HttpResponse<String> created = server().postJson("/api/v1/keys/data", admin(), Map.of("name", name));
        assertEquals(201, created.statusCode(), created.body());
        String secret = server().token("signer");
        String id = server().server.services().access().findBySecret(secret).orElseThrow().id();
        if (operations.length > 0) {
            HttpResponse<String> g = server().postJson("/api/v1/keys/data/" + name + "/grants", admin(),
                    Map.of("tokenId", id, "operations", List.of(operations)));
            assertEquals(200, g.statusCode(), g.body());
        }
        return new KeyAndToken(name, secret, id);
    }

    HttpResponse<String> encrypt(KeyAndToken k, byte[] plaintext, Map<String, String> context) throws Exception {
        return server().postJson("/api/v1/keys/data/" + k.name() + "/encrypt", k.token(),
                Map.of("plaintext", Base64.getEncoder().encodeToString(plaintext), "context", context));
    }

    String ciphertext(KeyAndToken k, byte[] plaintext, Map<String, String> context) throws Exception {
        HttpResponse<String> r = encrypt(k, plaintext, context);
        assertEquals(200, r.statusCode(), r.body());
        return TestServer.json(r).get("ciphertext").asText();
    }

    HttpResponse<String> decrypt(KeyAndToken k, String ciphertext, Map<String, String> context) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("ciphertext", ciphertext);
        body.put("context", context);
        return server().postJson("/api/v1/keys/data/" + k.name() + "/decrypt", k.token(), body);
    }

    static byte[] plaintextOf(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return Base64.getDecoder().decode(TestServer.json(r).get("plaintext").asText());
    }

    static String code(HttpResponse<String> r) throws Exception {
        JsonNode n = TestServer.json(r);
        return n.hasNonNull("code") ? n.get("code").asText() : null;
    }

    @Test
    void a_ciphertext_decrypts_with_its_context_and_names_key_version_and_format() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        byte[] secret = "card 4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8);
        String c = ciphertext(k, secret, CONTEXT);
        assertTrue(c.startsWith("signet:v1:"), c);
        byte[] blob = Base64.getUrlDecoder().decode(c.substring("signet:v1:".length()));
        assertEquals(1, blob[0], "format version");
        assertEquals(1, blob[1], "algorithm AES-256-GCM");
        assertEquals(k.name(), new String(blob, 3, blob[2], StandardCharsets.UTF_8));
        assertArrayEquals(secret, plaintextOf(decrypt(k, c, Map.of("row", "42", "table", "customers"))),
                "the context's order does not matter");
    }

    @Test
    void rotation_keeps_old_ciphertexts_decryptable_until_the_minimum_version_passes_them() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        byte[] secret = "v1 data".getBytes(StandardCharsets.UTF_8);
        String v1 = ciphertext(k, secret, CONTEXT);
        HttpResponse<String> rotated = server().postJson("/api/v1/keys/data/" + k.name() + "/rotate", admin(), Map.of());
        assertEquals(200, rotated.statusCode(), rotated.body());
        assertEquals(2, TestServer.json(rotated).get("currentVersion").asInt());
        HttpResponse<String> e2 = encrypt(k, secret, CONTEXT);
        assertEquals(2, TestServer.json(e2).get("keyVersion").asInt());
        assertArrayEquals(secret, plaintextOf(decrypt(k, v1, CONTEXT)), "version 1 still decrypts after rotation");

        HttpResponse<String> rewrapped = server().postJson("/api/v1/keys/data/" + k.name() + "/rewrap", k.token(),
                Map.of("ciphertext", v1, "context", CONTEXT));
        assertEquals(200, rewrapped.statusCode(), rewrapped.body());
        assertEquals(2, TestServer.json(rewrapped).get("keyVersion").asInt());
        assertFalse(rewrapped.body().contains(Base64.getEncoder().encodeToString(secret)), "re-wrap shows no plaintext");
        String v2 = TestServer.json(rewrapped).get("ciphertext").asText();

        HttpResponse<String> min = server().postJson("/api/v1/keys/data/" + k.name() + "/min-decrypt-version", admin(),
                Map.of("version", 2));
        assertEquals(200, min.statusCode(), min.body());
        HttpResponse<String> refused = decrypt(k, v1, CONTEXT);
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals("version-below-minimum", code(refused));
        assertArrayEquals(secret, plaintextOf(decrypt(k, v2, CONTEXT)), "the re-wrapped copy decrypts");
    }

    @Test
    void a_flipped_bit_anywhere_in_the_ciphertext_is_refused_with_one_uninformative_answer() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        String c = ciphertext(k, "x".getBytes(StandardCharsets.UTF_8), CONTEXT);
        byte[] blob = Base64.getUrlDecoder().decode(c.substring("signet:v1:".length()));
        List<String> failures = new ArrayList<>();
        String detail = null;
        for (int i = 0; i < blob.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] t = blob.clone();
                t[i] ^= (byte) (1 << bit);
                String tampered = "signet:v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(t);
                HttpResponse<String> r = decrypt(k, tampered, CONTEXT);
                String d = r.statusCode() == 400 ? TestServer.json(r).get("detail").asText() : null;
                if (r.statusCode() != 400 || !"ciphertext-invalid".equals(code(r)) || (detail != null && !detail.equals(d))) {
                    failures.add("byte " + i + " bit " + bit + ": " + r.statusCode() + " " + r.body());
                }
                detail = d;
            }
        }
        // The text around the bytes: the prefix, and a character of the base64 changed.
        for (String tampered : List.of(c.replace("signet:v1:", "signet:v2:"), c.replace("signet:v1:", "signet:V1:"),
                c.substring(0, c.length() - 1) + (c.endsWith("A") ? "B" : "A"), c + "A", c.substring(0, c.length() - 2))) {
            HttpResponse<String> r = decrypt(k, tampered, CONTEXT);
            if (r.statusCode() != 400 || !"ciphertext-invalid".equals(code(r))) {
                failures.add(tampered + ": " + r.statusCode() + " " + r.body());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(200, decrypt(k, c, CONTEXT).statusCode(), "the untouched ciphertext still decrypts");
    }

    @Test
    void another_context_or_another_key_does_not_decrypt() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        String c = ciphertext(k, "pii".getBytes(StandardCharsets.UTF_8), CONTEXT);
        for (Map<String, String> wrong : List.of(Map.of("table", "customers", "row", "43"), Map.<String, String>of(),
                Map.of("table", "customers", "row", "42", "extra", "1"))) {
            HttpResponse<String> r = decrypt(k, c, wrong);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("ciphertext-invalid", code(r));
        }
        KeyAndToken other = keyWithToken("encrypt", "decrypt");
        HttpResponse<String> r = decrypt(other, c, CONTEXT);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("ciphertext-invalid", code(r));
    }

    @Test
    void a_token_uses_only_the_keys_and_operations_it_was_granted() throws Exception {
        KeyAndToken k = keyWithToken("encrypt");
        String c = ciphertext(k, "a".getBytes(StandardCharsets.UTF_8), CONTEXT);
        HttpResponse<String> noDecrypt = decrypt(k, c, CONTEXT);
        assertEquals(403, noDecrypt.statusCode(), noDecrypt.body());

        KeyAndToken stranger = keyWithToken(); // a signer token with no grant at all
        HttpResponse<String> r = encrypt(new KeyAndToken(k.name(), stranger.token(), stranger.tokenId()),
                "a".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertEquals(403, r.statusCode(), r.body());
        HttpResponse<String> missing = encrypt(new KeyAndToken("no-such-key", stranger.token(), stranger.tokenId()),
                "a".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertEquals(403, missing.statusCode(), "a token without grants cannot tell which keys exist: " + missing.body());

        String auditor = server().token("auditor");
        HttpResponse<String> meta = server().get("/api/v1/keys/data/" + k.name(), auditor);
        assertEquals(200, meta.statusCode(), meta.body());
        assertEquals(1, TestServer.json(meta).get("grants").size());
        HttpResponse<String> auditorUse = server().postJson("/api/v1/keys/data/" + k.name() + "/decrypt", auditor,
                Map.of("ciphertext", c, "context", CONTEXT));
        assertEquals(403, auditorUse.statusCode(), auditorUse.body());
        String auditorId = server().server.services().access().findBySecret(auditor).orElseThrow().id();
        HttpResponse<String> grantToAuditor = server().postJson("/api/v1/keys/data/" + k.name() + "/grants", admin(),
                Map.of("tokenId", auditorId, "operations", List.of("decrypt")));
        assertEquals(422, grantToAuditor.statusCode(), grantToAuditor.body());
        HttpResponse<String> adminUse = server().postJson("/api/v1/keys/data/" + k.name() + "/encrypt", admin(),
                Map.of("plaintext", "AA==", "context", CONTEXT));
        assertEquals(403, adminUse.statusCode(), "admins manage keys; using one needs a grant too: " + adminUse.body());
    }

    @Test
    void a_disabled_key_refuses_all_use_until_enabled_again() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        String c = ciphertext(k, "a".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertEquals(200, server().postJson("/api/v1/keys/data/" + k.name() + "/disable", admin(), Map.of()).statusCode());
        assertEquals(409, decrypt(k, c, CONTEXT).statusCode());
        assertEquals(409, encrypt(k, new byte[1], CONTEXT).statusCode());
        assertEquals(200, server().postJson("/api/v1/keys/data/" + k.name() + "/enable", admin(), Map.of()).statusCode());
        assertEquals(200, decrypt(k, c, CONTEXT).statusCode());
    }

    @Test
    void payloads_over_64_kib_are_refused_and_64_kib_is_accepted() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        assertEquals(200, encrypt(k, new byte[64 * 1024], CONTEXT).statusCode());
        HttpResponse<String> r = encrypt(k, new byte[64 * 1024 + 1], CONTEXT);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("plaintext-too-large", code(r));
    }

    @Test
    void use_is_counted_in_metrics_and_audited_once_per_key_token_and_interval() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        server().server.services().dataKeys().flushUsage();
        String c = null;
        for (int i = 0; i < 5; i++) {
            c = ciphertext(k, new byte[]{(byte) i}, CONTEXT);
        }
        plaintextOf(decrypt(k, c, CONTEXT));
        server().server.services().dataKeys().flushUsage();
        List<AuditEntry> uses = server().server.services().auditLog().list(0, 1000).items().stream()
                .filter(e -> e.action().equals("datakey.use") && e.objectId().equals(k.name())).toList();
        assertEquals(1, uses.size(), "one entry for the interval: " + uses);
        JsonNode details = dev.signet.web.http.Json.MAPPER.readTree(uses.get(0).details());
        assertEquals(5, details.get("encrypts").asInt());
        assertEquals(1, details.get("decrypts").asInt());
        assertTrue(uses.get(0).actor().contains(k.tokenId()), uses.get(0).actor());
        List<String> changes = server().server.services().auditLog().list(0, 1000).items().stream()
                .filter(e -> e.objectId().equals(k.name())).map(AuditEntry::action).toList();
        assertTrue(changes.contains("datakey.create") && changes.contains("datakey.grant"), changes.toString());

        HttpResponse<String> metrics = server().get("/metrics", admin());
        String line = metrics.body().lines()
                .filter(l -> l.startsWith("signet_datakeys_operations_total") && l.contains("key=\"" + k.name() + "\"")
                        && l.contains("operation=\"encrypt\"") && l.contains("outcome=\"ok\""))
                .findFirst().orElse("");
        assertTrue(line.endsWith(" 5.0"), "metrics: " + line);
    }

    @Test
    void the_hsm_key_routes_still_answer_beside_the_data_key_routes() throws Exception {
        KeyAndToken k = keyWithToken();
        HttpResponse<String> audit = server().get("/api/v1/keys/signet-audit", admin());
        assertEquals(200, audit.statusCode(), audit.body());
        assertTrue(TestServer.json(audit).hasNonNull("publicKeyPem"));
        HttpResponse<String> list = server().get("/api/v1/keys/data", admin());
        assertEquals(200, list.statusCode(), list.body());
        boolean listed = false;
        for (JsonNode n : TestServer.json(list)) {
            listed |= n.get("name").asText().equals(k.name());
            assertFalse(n.toString().toLowerCase().contains("material"));
        }
        assertTrue(listed, list.body());
        assertNotEquals(404, server().get("/api/v1/keys/data/" + k.name(), admin()).statusCode());
    }

    // ---- batches (Vault transit's batch_input / batch_results) ----

    HttpResponse<String> batch(KeyAndToken k, String operation, Map<String, Object> body) throws Exception {
        return server().postJson("/api/v1/keys/data/" + k.name() + "/" + operation, k.token(), body);
    }

    static Map<String, Object> item(String field, String value, Map<String, String> context) {
        Map<String, Object> m = new HashMap<>();
        m.put(field, value);
        if (context != null) {
            m.put("context", context);
        }
        return m;
    }

    static List<Map<String, Object>> plaintextItems(List<byte[]> plaintexts, Map<String, String> context) {
        return plaintexts.stream().map(p -> item("plaintext", Base64.getEncoder().encodeToString(p), context)).toList();
    }

    /** The ciphertexts of a batch encrypt that succeeded, in order. */
    List<String> encryptBatch(KeyAndToken k, List<byte[]> plaintexts) throws Exception {
        HttpResponse<String> r = batch(k, "encrypt", Map.of("batchInput", plaintextItems(plaintexts, null), "context", CONTEXT));
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        for (JsonNode n : TestServer.json(r).get("batchResults")) {
            out.add(n.get("ciphertext").asText());
        }
        assertEquals(plaintexts.size(), out.size());
        return out;
    }

    static List<Map<String, Object>> ciphertextItems(List<String> ciphertexts, Map<String, String> context) {
        return ciphertexts.stream().map(c -> item("ciphertext", c, context)).toList();
    }

    @Test
    void a_batch_encrypts_each_item_and_decrypts_them_back_in_order_one_by_one_or_as_a_batch() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        List<byte[]> plaintexts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] p = new byte[i * 13];
            new java.util.Random(i).nextBytes(p);
            plaintexts.add(p);
        }
        List<String> ciphertexts = encryptBatch(k, plaintexts);
        assertEquals(100, new java.util.HashSet<>(ciphertexts).size(), "each item has its own nonce");
        // Each item is an ordinary ciphertext: the single decrypt opens it.
        assertArrayEquals(plaintexts.get(57), plaintextOf(decrypt(k, ciphertexts.get(57), CONTEXT)));

        // Items with a context of their own: it wins over the batch's.
        Map<String, String> own = Map.of("table", "orders");
        HttpResponse<String> mixed = batch(k, "encrypt", Map.of("context", CONTEXT, "batchInput", List.of(
                item("plaintext", "AQID", own), item("plaintext", "BAUG", null))));
        assertEquals(200, mixed.statusCode(), mixed.body());
        JsonNode m = TestServer.json(mixed).get("batchResults");
        assertArrayEquals(new byte[]{1, 2, 3}, plaintextOf(decrypt(k, m.get(0).get("ciphertext").asText(), own)));
        assertArrayEquals(new byte[]{4, 5, 6}, plaintextOf(decrypt(k, m.get(1).get("ciphertext").asText(), CONTEXT)));

        HttpResponse<String> r = batch(k, "decrypt", Map.of("batchInput", ciphertextItems(ciphertexts, CONTEXT)));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        JsonNode results = TestServer.json(r).get("batchResults");
        assertEquals(100, results.size());
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(plaintexts.get(i), Base64.getDecoder().decode(results.get(i).get("plaintext").asText()), "item " + i);
        }

        // Re-wrap a batch after rotation: every item moves to version 2 and still decrypts.
        assertEquals(200, server().postJson("/api/v1/keys/data/" + k.name() + "/rotate", admin(), Map.of()).statusCode());
        HttpResponse<String> rewrapped = batch(k, "rewrap", Map.of("batchInput", ciphertextItems(ciphertexts.subList(0, 10), null),
                "context", CONTEXT));
        assertEquals(200, rewrapped.statusCode(), rewrapped.body());
        JsonNode rw = TestServer.json(rewrapped).get("batchResults");
        for (int i = 0; i < 10; i++) {
            assertEquals(2, rw.get(i).get("keyVersion").asInt());
            assertArrayEquals(plaintexts.get(i), plaintextOf(decrypt(k, rw.get(i).get("ciphertext").asText(), CONTEXT)));
        }
    }

    @Test
    void a_tampered_item_fails_alone_with_the_same_uninformative_answer_as_a_single_decrypt() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        List<String> c = encryptBatch(k, List.of(new byte[]{1}, new byte[]{2}, new byte[]{3}));
        byte[] blob = Base64.getUrlDecoder().decode(c.get(1).substring("signet:v1:".length()));
        blob[blob.length - 1] ^= 1;
        String tampered = "signet:v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(blob);
        HttpResponse<String> single = decrypt(k, tampered, CONTEXT);
        assertEquals(400, single.statusCode());

        HttpResponse<String> r = batch(k, "decrypt", Map.of("context", CONTEXT,
                "batchInput", ciphertextItems(List.of(c.get(0), tampered, c.get(2)), null)));
        assertEquals(400, r.statusCode(), "a partial failure is a 400, as in Vault: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.headers().toString());
        JsonNode body = TestServer.json(r);
        assertEquals("batch-items-failed", body.get("code").asText());
        assertEquals(1, body.get("failed").asInt());
        JsonNode items = body.get("batchResults");
        assertArrayEquals(new byte[]{1}, Base64.getDecoder().decode(items.get(0).get("plaintext").asText()));
        assertFalse(items.get(1).has("plaintext"));
        assertEquals("ciphertext-invalid", items.get(1).get("code").asText());
        assertEquals(TestServer.json(single).get("detail").asText(), items.get(1).get("error").asText(),
                "the item's error says no more than a single decrypt's");
        assertArrayEquals(new byte[]{3}, Base64.getDecoder().decode(items.get(2).get("plaintext").asText()));

        // A client that handles partial failures itself asks for another status; all failing is still a 400.
        HttpResponse<String> partial = batch(k, "decrypt", Map.of("context", CONTEXT, "partialFailureStatus", 200,
                "batchInput", ciphertextItems(List.of(c.get(0), tampered), null)));
        assertEquals(200, partial.statusCode(), partial.body());
        assertEquals(1, TestServer.json(partial).get("failed").asInt());
        HttpResponse<String> allBad = batch(k, "decrypt", Map.of("context", CONTEXT, "partialFailureStatus", 200,
                "batchInput", ciphertextItems(List.of(tampered, "not a ciphertext"), null)));
        assertEquals(400, allBad.statusCode(), allBad.body());
        assertEquals(2, TestServer.json(allBad).get("failed").asInt());
    }

    @Test
    void a_wrong_context_fails_only_the_items_that_carry_it() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        List<String> c = encryptBatch(k, List.of(new byte[]{1}, new byte[]{2}, new byte[]{3}));
        HttpResponse<String> r = batch(k, "decrypt", Map.of("context", CONTEXT, "partialFailureStatus", 207, "batchInput", List.of(
                item("ciphertext", c.get(0), null), item("ciphertext", c.get(1), Map.of("table", "customers", "row", "43")),
                item("ciphertext", c.get(2), Map.of("row", "42", "table", "customers")))));
        assertEquals(207, r.statusCode(), r.body());
        JsonNode items = TestServer.json(r).get("batchResults");
        assertTrue(items.get(0).has("plaintext"));
        assertEquals("ciphertext-invalid", items.get(1).get("code").asText());
        assertTrue(items.get(2).has("plaintext"), "the same context in another order decrypts");

        HttpResponse<String> rewrap = batch(k, "rewrap", Map.of("batchInput", List.of(item("ciphertext", c.get(0), Map.of()),
                item("ciphertext", c.get(1), CONTEXT))));
        assertEquals(400, rewrap.statusCode(), rewrap.body());
        JsonNode rw = TestServer.json(rewrap).get("batchResults");
        assertEquals("ciphertext-invalid", rw.get(0).get("code").asText());
        assertEquals(1, rw.get(1).get("keyVersion").asInt());
    }

    @Test
    void a_token_without_the_grant_is_refused_the_whole_batch() throws Exception {
        KeyAndToken k = keyWithToken("encrypt");
        List<String> c = encryptBatch(k, List.of(new byte[]{1}, new byte[]{2}));
        for (String operation : List.of("decrypt", "rewrap")) {
            HttpResponse<String> r = batch(k, operation, Map.of("batchInput", ciphertextItems(c, CONTEXT)));
            assertEquals(403, r.statusCode(), operation + ": " + r.body());
            assertFalse(r.body().contains("batchResults"), r.body());
        }
        KeyAndToken stranger = keyWithToken();
        HttpResponse<String> r = batch(new KeyAndToken(k.name(), stranger.token(), stranger.tokenId()), "encrypt",
                Map.of("batchInput", plaintextItems(List.of(new byte[]{1}), CONTEXT)));
        assertEquals(403, r.statusCode(), r.body());
        assertEquals(200, server().postJson("/api/v1/keys/data/" + k.name() + "/disable", admin(), Map.of()).statusCode());
        assertEquals(409, batch(k, "encrypt", Map.of("batchInput", plaintextItems(List.of(new byte[]{1}), CONTEXT))).statusCode());
    }

    @Test
    void a_batch_takes_at_most_1000_items_within_the_body_limit_and_refuses_bad_items_one_by_one() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(new byte[]{(byte) i});
        }
        HttpResponse<String> tooMany = batch(k, "encrypt", Map.of("batchInput", plaintextItems(many, CONTEXT)));
        assertEquals(413, tooMany.statusCode(), tooMany.body());
        assertTrue(tooMany.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("batch-too-large", code(tooMany));
        assertEquals(1000, encryptBatch(k, many.subList(0, 1000)).size());

        List<byte[]> big = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            big.add(new byte[1024]); // 800 x 1.4 KB of base64: over the 1 MiB request limit
        }
        HttpResponse<String> tooBig = batch(k, "encrypt", Map.of("batchInput", plaintextItems(big, CONTEXT)));
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertTrue(tooBig.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

        HttpResponse<String> empty = batch(k, "encrypt", Map.of("batchInput", List.of()));
        assertEquals(400, empty.statusCode(), empty.body());
        HttpResponse<String> unknown = server().post("/api/v1/keys/data/" + k.name() + "/encrypt", k.token(), "application/json",
                "{\"batchInput\":[{\"plaintext\":\"AA==\",\"nonce\":\"x\"}]}");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(TestServer.json(unknown).get("detail").asText().contains("batchInput[0].nonce"), unknown.body());
        HttpResponse<String> malformed = server().post("/api/v1/keys/data/" + k.name() + "/encrypt", k.token(), "application/json",
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}");
        assertEquals(400, malformed.statusCode(), malformed.body());

        Map<String, Object> noPlaintext = new HashMap<>();
        noPlaintext.put("context", CONTEXT);
        HttpResponse<String> items = batch(k, "encrypt", Map.of("partialFailureStatus", 200, "batchInput", List.of(
                item("plaintext", Base64.getEncoder().encodeToString(new byte[64 * 1024 + 1]), CONTEXT),
                item("plaintext", "not base64!", CONTEXT), noPlaintext, item("plaintext", "AA==", CONTEXT))));
        assertEquals(200, items.statusCode(), items.body());
        JsonNode results = TestServer.json(items).get("batchResults");
        assertEquals("plaintext-too-large", results.get(0).get("code").asText());
        assertEquals("plaintext-invalid", results.get(1).get("code").asText());
        assertEquals("plaintext-required", results.get(2).get("code").asText());
        assertTrue(results.get(3).has("ciphertext"));

        // JSON escapes and whitespace are still JSON: the same bytes as the plain spelling.
        HttpResponse<String> escaped = server().post("/api/v1/keys/data/" + k.name() + "/encrypt", k.token(), "application/json",
                "{ \"context\" : {\"table\":\"customers\",\"row\":\"42\"},\n  \"batchInput\" : [ { \"plaintext\" : \"\\u0041QID\" } ,"
                        + " {\"plaintext\":\"AQID\"} ] }");
        assertEquals(200, escaped.statusCode(), escaped.body());
        for (JsonNode n : TestServer.json(escaped).get("batchResults")) {
            assertArrayEquals(new byte[]{1, 2, 3}, plaintextOf(decrypt(k, n.get("ciphertext").asText(), CONTEXT)));
        }

        // A single request whose context merely contains the word is still a single request.
        HttpResponse<String> single = encrypt(k, new byte[]{9}, Map.of("note", "\"batchInput\""));
        assertEquals(200, single.statusCode(), single.body());
        assertTrue(TestServer.json(single).has("ciphertext"));
    }

    @Test
    void batch_use_is_counted_per_item_in_the_audit_log_and_in_metrics() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        server().server.services().dataKeys().flushUsage();
        List<byte[]> plaintexts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            plaintexts.add(new byte[]{(byte) i});
        }
        List<String> c = encryptBatch(k, plaintexts);
        List<String> withBad = new ArrayList<>(c);
        withBad.add("signet:v1:AAAA");
        HttpResponse<String> d = batch(k, "decrypt", Map.of("batchInput", ciphertextItems(withBad, CONTEXT)));
        assertEquals(400, d.statusCode(), d.body());
        HttpResponse<String> keysMade = server().postJson("/api/v1/keys/data/" + k.name() + "/datakey", k.token(),
                Map.of("context", CONTEXT, "count", 3));
        assertEquals(200, keysMade.statusCode(), keysMade.body());
        JsonNode made = TestServer.json(keysMade).get("batchResults");
        assertEquals(3, made.size());
        List<String> wrapped = new ArrayList<>();
        for (JsonNode n : made) {
            wrapped.add(n.get("ciphertext").asText());
        }
        HttpResponse<String> unwrapped = batch(k, "decrypt", Map.of("batchInput", ciphertextItems(wrapped, CONTEXT)));
        assertEquals(200, unwrapped.statusCode(), unwrapped.body());
        for (int i = 0; i < 3; i++) {
            assertEquals(made.get(i).get("plaintext").asText(), TestServer.json(unwrapped).get("batchResults").get(i).get("plaintext").asText());
        }
        server().server.services().dataKeys().flushUsage();
        List<AuditEntry> uses = server().server.services().auditLog().list(0, 1000).items().stream()
                .filter(e -> e.action().equals("datakey.use") && e.objectId().equals(k.name())).toList();
        assertEquals(1, uses.size(), "one entry for the interval: " + uses);
        JsonNode details = dev.signet.web.http.Json.MAPPER.readTree(uses.get(0).details());
        assertEquals(7 + 3, details.get("encrypts").asInt(), "every item that was encrypted, and every data key");
        assertEquals(7 + 3, details.get("decrypts").asInt(), "every item that decrypted; not the one that failed");

        String metrics = server().get("/metrics", admin()).body();
        assertEquals(" 10.0", metric(metrics, k.name(), "encrypt", "ok"));
        assertEquals(" 10.0", metric(metrics, k.name(), "decrypt", "ok"));
        assertEquals(" 1.0", metric(metrics, k.name(), "decrypt", "refused"));
    }

    @Test
    void a_data_key_without_plaintext_answers_only_its_wrapped_copy_which_unwraps_to_a_256_bit_key() throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        HttpResponse<String> one = server().postJson("/api/v1/keys/data/" + k.name() + "/datakey", k.token(),
                Map.of("context", CONTEXT, "includePlaintext", false));
        assertEquals(200, one.statusCode(), one.body());
        JsonNode wrapped = TestServer.json(one);
        assertFalse(wrapped.has("plaintext"), "no plaintext in the answer: " + one.body());
        assertEquals(k.name(), wrapped.get("keyName").asText());
        byte[] key = plaintextOf(decrypt(k, wrapped.get("ciphertext").asText(), CONTEXT));
        assertEquals(32, key.length, "the wrapped copy is an AES-256 key");

        HttpResponse<String> many = server().postJson("/api/v1/keys/data/" + k.name() + "/datakey", k.token(),
                Map.of("context", CONTEXT, "count", 3, "includePlaintext", false));
        assertEquals(200, many.statusCode(), many.body());
        JsonNode items = TestServer.json(many).get("batchResults");
        assertEquals(3, items.size());
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (JsonNode n : items) {
            assertFalse(n.has("plaintext"), n.toString());
            keys.add(Base64.getEncoder().encodeToString(plaintextOf(decrypt(k, n.get("ciphertext").asText(), CONTEXT))));
        }
        assertEquals(3, keys.size(), "three different keys");

        // Without the grant to encrypt, no data key either way.
        KeyAndToken decryptOnly = keyWithToken("decrypt");
        HttpResponse<String> refused = server().postJson("/api/v1/keys/data/" + decryptOnly.name() + "/datakey",
                decryptOnly.token(), Map.of("includePlaintext", false));
        assertEquals(403, refused.statusCode(), refused.body());
    }

    static String metric(String metrics, String key, String operation, String outcome) {
        String line = metrics.lines()
                .filter(l -> l.startsWith("signet_datakeys_operations_total") && l.contains("key=\"" + key + "\"")
                        && l.contains("operation=\"" + operation + "\"") && l.contains("outcome=\"" + outcome + "\""))
                .findFirst().orElse("");
        return line.isEmpty() ? "(none)" : line.substring(line.lastIndexOf(' '));
    }
}
