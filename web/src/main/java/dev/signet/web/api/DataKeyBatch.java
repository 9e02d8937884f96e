package dev.signet.web.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeys;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.Problem;
import dev.signet.web.http.ProblemType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch form of encrypt, decrypt and re-wrap, as Vault's transit takes it ({@code batch_input}
 * in, {@code batch_results} out, in the same order), read and written with Jackson's streaming
 * parser and generator: a batch of a hundred items is most of a request's work, so no tree, no
 * records and no intermediate strings for the base64 going out.
 *
 * <pre>
 *   {"batchInput": [{"plaintext": "...", "context": {...}}, ...], "context": {...}, "partialFailureStatus": 200}
 * </pre>
 *
 * The top-level {@code context} applies to every item that has none of its own. What is wrong with
 * the JSON itself (syntax, unknown fields, wrong types, too many items) refuses the whole request;
 * what is wrong with one item's content (bad base64, too large, a ciphertext that does not
 * decrypt) is that item's error.
 */
final class DataKeyBatch {

    static final String FIELD = "batchInput";
    private static final byte[] MARKER = ("\"" + FIELD + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = Json.MAPPER.getFactory();

    /** The items read, with the refusal of those whose content was already wrong, by index. */
    record Request<T>(List<DataKeys.Item<T>> items, DataKeyException[] invalid, Integer partialFailureStatus) {}

    private DataKeyBatch() {}

    /**
     * Whether the body may be a batch: it names the field somewhere. A single request never pays
     * for a second parse; a context value that merely contains the name is parsed as a single
     * request after all ({@link #read} answers null).
     */
    static boolean mayBe(byte[] body) {
        outer:
        for (int i = 0; i <= body.length - MARKER.length; i++) {
            for (int j = 0; j < MARKER.length; j++) {
                if (body[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Reads a batch of plaintexts (base64); null if the body has no {@code batchInput}. */
    static Request<byte[]> readPlaintexts(byte[] body) {
        return read(body, "plaintext", true);
    }

    /** Reads a batch of ciphertexts; null if the body has no {@code batchInput}. */
    static Request<String> readCiphertexts(byte[] body) {
        return read(body, "ciphertext", false);
    }

    @SuppressWarnings("unchecked")
    private static <T> Request<T> read(byte[] body, String inputField, boolean base64) {
        try (JsonParser p = JSON.createParser(body)) {
            RawStrings raw = new RawStrings(body);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("expected a JSON object");
            }
            List<Object> inputs = null;
            List<Map<String, String>> contexts = null;
            List<DataKeyException> invalid = null;
            Map<String, String> shared = null;
            Integer partialFailureStatus = null;
            boolean single = false;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case FIELD -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw wrongType(FIELD);
                        }
                        inputs = new ArrayList<>();
                        contexts = new ArrayList<>();
                        invalid = new ArrayList<>();
                        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                            int index = inputs.size();
                            if (index == DataKeys.MAX_BATCH_ITEMS) {
                                throw DataKeyException.tooLarge("batch-too-large", "a batch has at most "
                                        + DataKeys.MAX_BATCH_ITEMS + " items");
                            }
                            if (item != JsonToken.START_OBJECT) {
                                throw wrongType(FIELD + "[" + index + "]");
                            }
                            Object input = null;
                            Map<String, String> context = null;
                            DataKeyException error = null;
                            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                                String name = p.currentName();
                                JsonToken v = p.nextToken();
                                String path = FIELD + "[" + index + "]." + name;
                                if (name.equals(inputField)) {
                                    if (v == JsonToken.VALUE_STRING) {
                                        if (base64) {
                                            try {
                                                input = raw.base64(p);
                                            } catch (IllegalArgumentException e) {
                                                error = DataKeyException.badRequest("plaintext-invalid", "plaintext is not valid base64");
                                            }
                                        } else {
                                            input = raw.text(p);
                                        }
                                    } else if (v != JsonToken.VALUE_NULL) {
                                        throw wrongType(path);
                                    }
                                } else if (name.equals("context")) {
                                    context = context(p, v, path);
                                } else {
                                    throw ApiException.badRequest("unknown field '" + path + "'");
                                }
                            }
                            if (base64 && input == null && error == null) {
                                error = DataKeyException.badRequest("plaintext-required", "plaintext is required (base64)");
                            }
                            inputs.add(input);
                            contexts.add(context);
                            invalid.add(error);
                        }
                    }
                    case "context" -> shared = context(p, value, "context");
                    case "partialFailureStatus" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || (p.getIntValue() != 200 && p.getIntValue() != 207)) {
                            throw ApiException.badRequest("partialFailureStatus is 200 or 207 (by default a partial failure is a 400)");
                        }
                        partialFailureStatus = p.getIntValue();
                    }
                    default -> {
                        if (!field.equals(inputField)) {
                            throw ApiException.badRequest("unknown field '" + field + "'");
                        }
                        single = true;
                        p.skipChildren();
                    }
                }
            }
            if (inputs == null) {
                return null;
            }
            if (single) {
                throw ApiException.badRequest("send either " + inputField + " or " + FIELD + ", not both");
            }
            if (inputs.isEmpty()) {
                throw ApiException.badRequest(FIELD + " has no items");
            }
            List<DataKeys.Item<T>> items = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                Map<String, String> c = contexts.get(i);
                // Items without a context share the one map instance: made canonical once per batch.
                items.add(new DataKeys.Item<>((T) inputs.get(i), c == null ? shared : c));
            }
            return new Request<>(items, invalid.toArray(new DataKeyException[0]), partialFailureStatus);
        } catch (StreamReadException e) {
            throw ApiException.badRequest("malformed JSON" + (e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds the raw text of string values in the body, so that base64 and ciphertexts are taken
     * from the bytes instead of Jackson building a String char by char (for a batch of 1 KiB
     * items that was the largest part of reading it). The body is searched as a Latin-1 string,
     * whose {@code indexOf} the JDK runs vectorised.
     */
    private static final class RawStrings {
        private final byte[] body;
        private final String latin1;
        private int nextBackslash;

        RawStrings(byte[] body) {
            this.body = body;
            this.latin1 = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
            this.nextBackslash = latin1.indexOf('\\');
        }

        /**
         * The {@code {offset, length}} of the current string value's text when it has no escape;
         * null otherwise (the parser's own decoding then takes it). Jackson itself refuses
         * control characters in strings when it skips the value.
         */
        int[] current(JsonParser p) {
            long start = p.currentTokenLocation().getByteOffset();
            if (start < 0 || start >= body.length || body[(int) start] != '"') {
                return null;
            }
            int from = (int) start + 1;
            int end = latin1.indexOf('"', from);
            if (end < 0) {
                return null;
            }
            while (nextBackslash >= 0 && nextBackslash < from) {
                nextBackslash = latin1.indexOf('\\', from);
            }
            return nextBackslash >= 0 && nextBackslash < end ? null : new int[]{from, end - from};
        }

        /** The current value's bytes decoded from base64 (non-ASCII bytes are not base64 either). */
        byte[] base64(JsonParser p) throws IOException {
            int[] raw = current(p);
            if (raw == null) {
                return Base64.getDecoder().decode(p.getText());
            }
            java.nio.ByteBuffer decoded = Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(body, raw[0], raw[1]));
            byte[] array = decoded.array();
            return array.length == decoded.remaining() ? array : java.util.Arrays.copyOf(array, decoded.remaining());
        }

        /** The current value as a string; a ciphertext is ASCII, and anything else fails to parse as one. */
        String text(JsonParser p) throws IOException {
            int[] raw = current(p);
            return raw == null ? p.getText() : latin1.substring(raw[0], raw[0] + raw[1]);
        }
    }

    private static Map<String, String> context(JsonParser p, JsonToken value, String path) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_OBJECT) {
            throw wrongType(path);
        }
        Map<String, String> m = new HashMap<>();
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw wrongType(path + "." + key);
            }
            m.put(key, p.getText());
        }
        return m;
    }

    private static ApiException wrongType(String field) {
        return ApiException.badRequest("field '" + field + "' has the wrong type or value");
    }

    /** How one item's value is written inside its result object. */
    interface ValueWriter<T> {
        void write(JsonGenerator g, T value) throws IOException;
    }

    /** The answer: status, content type and body, with the items' results in input order. */
    record Answer(int status, String contentType, byte[] body, int failed) {}

    /**
     * All items done: 200 with {@code batchResults}. Some failed: by default a 400 problem (as
     * Vault answers a partial failure) whose {@code batchResults} still carries every item's
     * result or error, so that a client that checks only the status cannot miss a failed item;
     * with {@code partialFailureStatus} that status and a plain JSON body instead, unless every
     * item failed.
     */
    static <T> Answer answer(String keyName, String path, List<DataKeys.Outcome<T>> outcomes, Integer partialFailureStatus,
                             int sizeHint, ValueWriter<T> value) {
        int failed = 0;
        for (DataKeys.Outcome<T> o : outcomes) {
            failed += o.ok() ? 0 : 1;
        }
        boolean problem = failed > 0 && (partialFailureStatus == null || failed == outcomes.size());
        int status = failed == 0 ? 200 : problem ? ProblemType.MALFORMED_REQUEST.status() : partialFailureStatus;
        // About the request's size (base64 in, a ciphertext of the same length out, or the reverse): grown at most once.
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + sizeHint + sizeHint / 8 + outcomes.size() * 64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
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
            for (DataKeys.Outcome<T> o : outcomes) {
                g.writeStartObject();
                if (o.ok()) {
                    value.write(g, o.value());
                } else {
                    g.writeStringField("error", o.error().getMessage());
                    g.writeStringField("code", o.error().code());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(status, problem ? Problem.MEDIA_TYPE : "application/json", out.toByteArray(), failed);
    }

    /** Runs the items that were well formed and puts every outcome back at its index. */
    static <T, R> List<DataKeys.Outcome<R>> run(Request<T> request,
                                               java.util.function.Function<List<DataKeys.Item<T>>, List<DataKeys.Outcome<R>>> use) {
        List<DataKeys.Item<T>> valid = new ArrayList<>(request.items().size());
        for (int i = 0; i < request.items().size(); i++) {
            if (request.invalid()[i] == null) {
                valid.add(request.items().get(i));
            }
        }
        List<DataKeys.Outcome<R>> done = use.apply(valid);
        if (valid.size() == request.items().size()) {
            return done;
        }
        List<DataKeys.Outcome<R>> all = new ArrayList<>(request.items().size());
        int next = 0;
        for (int i = 0; i < request.items().size(); i++) {
            all.add(request.invalid()[i] == null ? done.get(next++) : DataKeys.Outcome.failed(request.invalid()[i]));
        }
        return all;
    }
}
