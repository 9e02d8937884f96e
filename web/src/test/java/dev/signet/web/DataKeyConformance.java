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
}
