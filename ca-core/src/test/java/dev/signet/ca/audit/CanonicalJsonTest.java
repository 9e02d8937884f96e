package dev.signet.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    /** input -> canonical form */
    private static final String[][] CASES = {
        {"{}", "{}"},
        {" { \"b\" : 1 ,\n\t\"a\" : [ true , false , null ] } ", "{\"a\":[true,false,null],\"b\":1}"},
        {"{\"z\":{\"y\":1,\"x\":2},\"a\":\"\"}", "{\"a\":\"\",\"z\":{\"x\":2,\"y\":1}}"},
        {"{\"n\":1.50,\"m\":-0,\"e\":1E3,\"f\":2.5e-1}", "{\"e\":1000,\"f\":0.25,\"m\":0,\"n\":1.5}"},
        {"{\"s\":\"\\u0041\\/\\n\\u001f\\\"\"}", "{\"s\":\"A/\\n\\u001f\\\"\"}"},
        {"{\"\\u00e9\":\"caf\\u00e9\",\"e\":1}", "{\"e\":1,\"é\":\"café\"}"},
        {"{\"big\":123456789012345678901234567890}", "{\"big\":123456789012345678901234567890}"},
        // The escapes are part of the hash chain's format: short forms where JSON has them, other
        // control characters as lowercase \\u00xx, everything else (DEL, U+2028, non-ASCII) as itself.
        {"{\"s\":\"\\u007f\\u2028\\u00e9\\b\\f\\r\\t\\u0000\\u001B\"}", "{\"s\":\"\u007f\u2028\u00e9\\b\\f\\r\\t\\u0000\\u001b\"}"},
    };

    private static final String[] REFUSED = {
        "", "[]", "\"x\"", "{", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":01}", "{\"a\":1.}", "{'a':1}",
        "{\"a\":1,\"a\":2}", "{\"a\":tru}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{a:1}",
        "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1} {}", "{\"a\":1e999999999}",
        // the hand-written parser took these \\u escapes because Integer.parseInt accepts a sign
        // and non-ASCII digits
        "{\"a\":\"\\u+041\"}", "{\"a\":\"\\u00E\u0CEE\"}",
        "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}",
    };

    @Test
    void canonical_form_sorts_members_drops_whitespace_and_normalises_numbers() {
        List<String> failures = new ArrayList<>();
        for (String[] c : CASES) {
            String got = CanonicalJson.canonicalizeObject(c[0]);
            if (!got.equals(c[1])) {
                failures.add(c[0] + " -> " + got + " (expected " + c[1] + ")");
            }
            if (!CanonicalJson.canonicalizeObject(got).equals(got)) {
                failures.add("not idempotent: " + got);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void malformed_or_ambiguous_json_is_refused() {
        List<String> accepted = new ArrayList<>();
        for (String bad : REFUSED) {
            try {
                CanonicalJson.canonicalizeObject(bad);
                accepted.add(bad);
            } catch (CanonicalJson.MalformedJsonException expected) {
                // refused, as it should be
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void a_quoted_string_is_what_the_generator_writes_with_or_without_escapes() {
        for (String v : new String[] {"", "public", "default/19a3f0c2e4d", "2026-12-02T01:00:00.007Z", "caf\u00e9 \u2028 \u007f",
                "\ud800 lone", "a\"b", "back\\slash", "tab\tnewline\n", "\u0000\u001f", "/slash/"}) {
            String generated = CanonicalJson.write(Map.of("v", v));
            assertEquals(generated, "{\"v\":" + CanonicalJson.quote(v) + "}", v);
        }
    }

    @Test
    void written_maps_are_canonical() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serial", "1a");
        m.put("count", 3);
        m.put("sans", List.of("DNS:a", "DNS:b"));
        m.put("none", null);
        assertEquals("{\"count\":3,\"none\":null,\"sans\":[\"DNS:a\",\"DNS:b\"],\"serial\":\"1a\"}", CanonicalJson.write(m));
        assertEquals(CanonicalJson.write(m), CanonicalJson.canonicalizeObject(CanonicalJson.write(m)));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(Map.of("x", new Object())));
        assertEquals("{\"d\":10000000000,\"x\":1.5}", CanonicalJson.write(Map.of("d", 1.0E10, "x", new java.math.BigDecimal("1.500"))));
    }

    @Test
    void chain_hash_is_sha256_of_previous_hash_and_canonical_content() throws Exception {
        byte[] content = AuditChain.content(1, 1000, "alice", "ca.create", "ca", "root", "{}");
        assertEquals("{\"action\":\"ca.create\",\"actor\":\"alice\",\"at\":1000,\"details\":{},\"objectId\":\"root\","
                + "\"objectType\":\"ca\",\"seq\":1}", new String(content, java.nio.charset.StandardCharsets.UTF_8));
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(new byte[32]);
        sha.update(content);
        assertEquals(java.util.HexFormat.of().formatHex(sha.digest()),
                java.util.HexFormat.of().formatHex(AuditChain.link(AuditChain.GENESIS, content)));
    }
}
