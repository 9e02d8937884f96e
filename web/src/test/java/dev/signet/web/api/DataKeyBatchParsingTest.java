package dev.signet.web.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeys;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.ProblemType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch body's own reader and writer, at the edges a general JSON library would handle for
 * us: what must be refused as malformed (the whole request, 400), what is one item's error, what
 * JSON allows and must still be read the same, and answers byte for byte what Jackson's generator
 * wrote before.
 */
class DataKeyBatchParsingTest {

    private static DataKeyBatch.Request<byte[]> plaintexts(String body) {
        return DataKeyBatch.readPlaintexts(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String body) {
        ApiException e = assertThrows(ApiException.class, () -> plaintexts(body), body);
        assertEquals(ProblemType.MALFORMED_REQUEST, e.problem(), body);
        return e.getMessage();
    }

    @Test
    void whatever_is_not_json_refuses_the_whole_request_as_malformed() {
        List<String> notJson = List.of(
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}",              // unterminated
                "{\"batchInput\":[{\"plaintext\":\"AA==}]}",               // unterminated string
                "{\"batchInput\":[{\"plaintext\":\"AA==\"},]}",           // trailing comma in the array
                "{\"batchInput\":[{\"plaintext\":\"AA==\",}]}",           // trailing comma in an object
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}]} x",          // content after the value
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}]}{}",
                "{\"batchInput\":[{\"plaintext\":\"A\u0001A==\"}]}",      // a control character in a string
                "{\"batchInput\":[{\"plaintext\":\"AA\\x==\"}]}",         // an invalid escape
                "{\"batchInput\":[{\"plaintext\":\"\\u12\"}]}",           // a short \\u escape
                "{\"batchInput\":[{\"plaintext\":\"\\ud800\"}]}",         // a lone high surrogate
                "{\"batchInput\":[{\"plaintext\":\"\\udc00\"}]}",         // a lone low surrogate
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}],\"partialFailureStatus\":0200}", // a leading zero
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}],\"partialFailureStatus\":-}",
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}] \"context\":{}}", // a missing comma
                "{\"batchInput\" [{\"plaintext\":\"AA==\"}]}",            // a missing colon
                "{batchInput:[{\"plaintext\":\"AA==\"}]}",                // an unquoted name
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}],\"plaintext\":tru}", // a bad literal where any value may be
                "{\"batchInput\":[{\"plaintext\":\"AA==\"}],\"plaintext\":" + "[".repeat(200) + "]".repeat(200) + "}");
        List<String> failures = new ArrayList<>();
        for (String body : notJson) {
            try {
                plaintexts(body);
                failures.add("accepted: " + body);
            } catch (ApiException e) {
                if (e.problem() != ProblemType.MALFORMED_REQUEST || !e.getMessage().startsWith("malformed JSON at line 1, column ")) {
                    failures.add(body + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                failures.add(body + ": " + e);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // Invalid UTF-8 (a lone continuation byte, an overlong '/', a surrogate) inside a string.
        for (byte[] bad : new byte[][]{{(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            byte[] head = "{\"batchInput\":[{\"plaintext\":\"AA==\",\"context\":{\"k\":\"".getBytes(StandardCharsets.US_ASCII);
            byte[] tail = "\"}}]}".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bad, 0, body, head.length, bad.length);
            System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
            ApiException e = assertThrows(ApiException.class, () -> DataKeyBatch.readPlaintexts(body));
            assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
        }
        // A ciphertext with a raw control character is malformed JSON too, not an undecryptable item.
        ApiException e = assertThrows(ApiException.class, () -> DataKeyBatch.readCiphertexts(
                "{\"batchInput\":[{\"ciphertext\":\"signet:v1:AAAA\tAAAA\"}]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
        assertTrue(refusal("{\n  \"batchInput\": [\n    {\"plaintext\": \"AA==\" x").startsWith("malformed JSON at line 3, column 26"));
    }

    @Test
    void wrong_types_and_unknown_fields_name_the_field() {
        assertEquals("expected a JSON object", refusal("[]"));
        assertEquals("expected a JSON object", refusal(""));
        assertEquals("expected a JSON object", refusal("  "));
        assertEquals("field 'batchInput' has the wrong type or value", refusal("{\"batchInput\":{}}"));
        assertEquals("field 'batchInput' has the wrong type or value", refusal("{\"batchInput\":null}"));
        assertEquals("field 'batchInput[1]' has the wrong type or value", refusal("{\"batchInput\":[{\"plaintext\":\"AA==\"},\"AA==\"]}"));
        assertEquals("field 'batchInput[0].plaintext' has the wrong type or value", refusal("{\"batchInput\":[{\"plaintext\":7}]}"));
        assertEquals("field 'batchInput[0].context' has the wrong type or value", refusal("{\"batchInput\":[{\"plaintext\":\"AA==\",\"context\":[]}]}"));
        assertEquals("field 'context.a' has the wrong type or value", refusal("{\"context\":{\"a\":1},\"batchInput\":[{\"plaintext\":\"AA==\"}]}"));
        assertEquals("unknown field 'batchInput[0].nonce'", refusal("{\"batchInput\":[{\"plaintext\":\"AA==\",\"nonce\":\"x\"}]}"));
        assertEquals("unknown field 'extra'", refusal("{\"extra\":1,\"batchInput\":[]}"));
        assertEquals("send either plaintext or batchInput, not both", refusal("{\"plaintext\":{\"any\":[1,2.5e3,true,null]},\"batchInput\":[{\"plaintext\":\"AA==\"}]}"));
        assertEquals("batchInput has no items", refusal("{\"batchInput\":[]}"));
        for (String status : List.of("201", "200.0", "2e2", "\"200\"", "null", "99999999999999999999")) {
            assertTrue(refusal("{\"batchInput\":[{\"plaintext\":\"AA==\"}],\"partialFailureStatus\":" + status + "}")
                    .startsWith("partialFailureStatus is 200 or 207"), status);
        }
    }

    @Test
    void more_than_the_largest_batch_is_refused_as_too_large() {
        StringBuilder body = new StringBuilder("{\"batchInput\":[");
        for (int i = 0; i <= DataKeys.MAX_BATCH_ITEMS; i++) {
            body.append(i == 0 ? "" : ",").append("{\"plaintext\":\"AQ==\"}");
        }
        DataKeyException e = assertThrows(DataKeyException.class, () -> plaintexts(body + "]}"));
        assertEquals("batch-too-large", e.code());
        assertEquals(DataKeyException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void json_spelled_differently_reads_the_same_and_the_last_of_a_repeated_name_counts() {
        DataKeyBatch.Request<byte[]> r = plaintexts(" {\r\n\t\"context\" : { \"t\\u00e9\\\"x\" : \"v\\ud83d\\ude00\\/\" } ,"
                + " \"batchInput\" : [ { \"plaintext\" : \"\\u0041QID\" } , {\"plaintext\":\"AQID\", \"context\": null},"
                + " {\"plaintext\":\"not base64\",\"plaintext\":\"AQI=\"}, {\"plaintext\":\"AQ\"} ],"
                + " \"partialFailureStatus\" : 207 } \n");
        assertEquals(4, r.items().size());
        assertArrayEquals(new byte[]{1, 2, 3}, r.items().get(0).input());
        assertArrayEquals(new byte[]{1, 2, 3}, r.items().get(1).input());
        assertArrayEquals(new byte[]{1, 2}, r.items().get(2).input());
        assertArrayEquals(new byte[]{1}, r.items().get(3).input()); // unpadded, as the JDK's decoder takes it
        assertEquals(Map.of("t\u00e9\"x", "v\ud83d\ude00/"), r.items().get(0).context());
        assertTrue(r.items().get(1).context() == r.items().get(0).context(), "items without a context share the batch's map");
        assertEquals(207, r.partialFailureStatus());
        for (DataKeyException invalid : r.invalid()) {
            assertNull(invalid);
        }
        // Non-ASCII in a context as raw UTF-8.
        DataKeyBatch.Request<String> c = DataKeyBatch.readCiphertexts(
                "{\"batchInput\":[{\"ciphertext\":\"signet:v1:x\",\"context\":{\"k\":\"\u00e9\u4e2d\ud83d\ude00\"}}]}".getBytes(StandardCharsets.UTF_8));
        assertEquals("signet:v1:x", c.items().get(0).input());
        assertEquals(Map.of("k", "\u00e9\u4e2d\ud83d\ude00"), c.items().get(0).context());
        // A ciphertext with an escape is read through the escape.
        assertEquals("signet:v1:AB", DataKeyBatch.readCiphertexts(
                "{\"batchInput\":[{\"ciphertext\":\"signet:v1:A\\u0042\"}]}".getBytes(StandardCharsets.UTF_8)).items().get(0).input());
        // No batchInput: a single request, for the single form's parser.
        assertNull(plaintexts("{\"plaintext\":\"AA==\",\"context\":{\"note\":\"\\\"batchInput\\\"\"}}"));
    }

    @Test
    void an_items_bad_content_is_that_items_error() {
        DataKeyBatch.Request<byte[]> r = plaintexts("{\"batchInput\":[{\"plaintext\":\"not base64!\"},{\"context\":{}},"
                + "{\"plaintext\":null},{\"plaintext\":\"\u00e9\u00e9\u00e9\u00e9\"},{\"plaintext\":\"A\\u0041==x\"},{\"plaintext\":\"AA==\"}]}");
        assertEquals("plaintext-invalid", r.invalid()[0].code());
        assertEquals("plaintext-required", r.invalid()[1].code());
        assertEquals("plaintext-required", r.invalid()[2].code());
        assertEquals("plaintext-invalid", r.invalid()[3].code()); // UTF-8 that is valid JSON but not base64
        assertEquals("plaintext-invalid", r.invalid()[4].code());
        assertNull(r.invalid()[5]);
    }

    @Test
    void answers_are_byte_for_byte_what_jacksons_generator_wrote() throws Exception {
        Random random = new Random(16);
        List<DataKeys.Outcome<byte[]>> outcomes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] p = new byte[random.nextInt(2000)];
            random.nextBytes(p);
            outcomes.add(i % 7 == 3 ? DataKeys.Outcome.failed(DataKeyException.badRequest("odd-\"code\"",
                    "a message with \"quotes\", \\, \n\t\u0001 and \u00e9\u4e2d\ud83d\ude00")) : new DataKeys.Outcome<>(p, null));
        }
        for (Integer partial : new Integer[]{null, 200, 207}) {
            for (List<DataKeys.Outcome<byte[]>> list : List.of(outcomes, outcomes.subList(0, 3), outcomes.subList(3, 4))) {
                DataKeyBatch.Answer a = DataKeyBatch.answer("my-key_1", "/api/v1/keys/data/my-key_1/decrypt", list, partial, 10,
                        (w, p) -> w.name("plaintext").base64String(p));
                byte[] expected = jackson("my-key_1", "/api/v1/keys/data/my-key_1/decrypt", list, partial);
                assertEquals(new String(expected, StandardCharsets.UTF_8), new String(a.body().toByteArray(), StandardCharsets.UTF_8));
                assertEquals(a.body().length(), a.body().stream().readAllBytes().length);
            }
        }
    }

    /** The answer as the previous Jackson-generator code wrote it. */
    private static byte[] jackson(String keyName, String path, List<DataKeys.Outcome<byte[]>> outcomes, Integer partial) throws Exception {
        int failed = (int) outcomes.stream().filter(o -> !o.ok()).count();
        boolean problem = failed > 0 && (partial == null || failed == outcomes.size());
        int status = failed == 0 ? 200 : problem ? 400 : partial;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (problem) {
                g.writeStringField("type", ProblemType.MALFORMED_REQUEST.type().toString());
                g.writeStringField("title", ProblemType.MALFORMED_REQUEST.title());
                g.writeNumberField("status", status);
                g.writeStringField("detail", failed + " of " + outcomes.size() + " items failed; see batchResults");
                g.writeStringField("instance", path);
                g.writeStringField("code", "batch-items-failed");
            }
            g.writeStringField("keyName", keyName);
            if (failed > 0) {
                g.writeNumberField("failed", failed);
            }
            g.writeArrayFieldStart("batchResults");
            for (DataKeys.Outcome<byte[]> o : outcomes) {
                g.writeStartObject();
                if (o.ok()) {
                    g.writeStringField("plaintext", Base64.getEncoder().encodeToString(o.value()));
                } else {
                    g.writeStringField("error", o.error().getMessage());
                    g.writeStringField("code", o.error().code());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
