package dev.signet.web.api;

import dev.signet.ca.DataKeyException;
import dev.signet.ca.DataKeys;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Problem;
import dev.signet.web.http.ProblemType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch form of encrypt, decrypt and re-wrap, as Vault's transit takes it ({@code batch_input}
 * in, {@code batch_results} out, in the same order), read with {@link JsonBytesReader} and written
 * with {@link JsonBytesWriter}: a batch of a hundred items is most of a request's work, so base64
 * is decoded from the body's bytes and encoded into the answer's, with no tree, no records and no
 * intermediate strings (Jackson's parser and generator cost about 3 us per 1 KiB item).
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
        JsonBytesReader r = new JsonBytesReader(body);
        try {
            if (r.peek() != '{') {
                throw ApiException.badRequest("expected a JSON object");
            }
            r.expect('{');
            List<Object> inputs = null;
            List<Map<String, String>> contexts = null;
            List<DataKeyException> invalid = null;
            Map<String, String> shared = null;
            Integer partialFailureStatus = null;
            boolean single = false;
            String field;
            // A name given twice counts the last time, as Jackson (and so the single form) takes it.
            for (boolean first = true; (field = r.nextName(first)) != null; first = false) {
                switch (field) {
                    case FIELD -> {
                        if (r.peek() != '[') {
                            throw wrongType(FIELD);
                        }
                        r.expect('[');
                        inputs = new ArrayList<>();
                        contexts = new ArrayList<>();
                        invalid = new ArrayList<>();
                        for (boolean firstItem = true; r.nextElement(firstItem); firstItem = false) {
                            int index = inputs.size();
                            if (index == DataKeys.MAX_BATCH_ITEMS) {
                                throw DataKeyException.tooLarge("batch-too-large", "a batch has at most "
                                        + DataKeys.MAX_BATCH_ITEMS + " items");
                            }
                            if (r.peek() != '{') {
                                throw wrongType(FIELD + "[" + index + "]");
                            }
                            r.expect('{');
                            Object input = null;
                            Map<String, String> context = null;
                            DataKeyException error = null;
                            String name;
                            for (boolean firstField = true; (name = r.nextName(firstField)) != null; firstField = false) {
                                if (name.equals(inputField)) {
                                    input = null;
                                    error = null;
                                    if (r.peek() == '"') {
                                        if (base64) {
                                            try {
                                                input = base64(r);
                                            } catch (IllegalArgumentException e) {
                                                error = DataKeyException.badRequest("plaintext-invalid", "plaintext is not valid base64");
                                            }
                                        } else {
                                            input = text(r);
                                        }
                                    } else if (!r.takeNull()) {
                                        throw wrongType(FIELD + "[" + index + "]." + name);
                                    }
                                } else if (name.equals("context")) {
                                    context = context(r, FIELD + "[" + index + "]." + name);
                                } else {
                                    throw ApiException.badRequest("unknown field '" + FIELD + "[" + index + "]." + name + "'");
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
                    case "context" -> shared = context(r, "context");
                    case "partialFailureStatus" -> {
                        int c = r.peek();
                        JsonBytesReader.NumberText n = c == '-' || (c >= '0' && c <= '9') ? r.number() : null;
                        if (n == null || !n.integer() || !(n.text().equals("200") || n.text().equals("207"))) {
                            throw ApiException.badRequest("partialFailureStatus is 200 or 207 (by default a partial failure is a 400)");
                        }
                        partialFailureStatus = Integer.parseInt(n.text());
                    }
                    default -> {
                        if (!field.equals(inputField)) {
                            throw ApiException.badRequest("unknown field '" + field + "'");
                        }
                        single = true;
                        r.skipValue();
                    }
                }
            }
            r.expectEnd();
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
        } catch (JsonBytesReader.Malformed e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * The current string decoded from base64: from its bytes in the body when it has no escape
     * (the usual case; the JDK's decoder refuses whatever is not base64), else, or if that fails,
     * from the string read as JSON (malformed JSON is refused as such). @throws IllegalArgumentException if it is not base64
     */
    private static byte[] base64(JsonBytesReader r) {
        int start = r.position();
        int[] raw = r.rawString(false);
        if (raw != null) {
            try {
                java.nio.ByteBuffer decoded = Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(r.body(), raw[0], raw[1]));
                byte[] array = decoded.array();
                return array.length == decoded.remaining() ? array : java.util.Arrays.copyOf(array, decoded.remaining());
            } catch (IllegalArgumentException e) {
                r.seek(start); // not base64, or not JSON: the string read as JSON says which
            }
        }
        return Base64.getDecoder().decode(r.string());
    }

    /** The current string; a ciphertext is ASCII, and anything else fails to parse as one. */
    private static String text(JsonBytesReader r) {
        int[] raw = r.rawString(true);
        return raw == null ? r.string() : new String(r.body(), raw[0], raw[1], java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> context(JsonBytesReader r, String path) {
        if (r.takeNull()) {
            return null;
        }
        if (r.peek() != '{') {
            throw wrongType(path);
        }
        r.expect('{');
        Map<String, String> m = new HashMap<>();
        String key;
        for (boolean first = true; (key = r.nextName(first)) != null; first = false) {
            if (r.peek() != '"') {
                throw wrongType(path + "." + key);
            }
            m.put(key, r.string());
        }
        return m;
    }

    private static ApiException wrongType(String field) {
        return ApiException.badRequest("field '" + field + "' has the wrong type or value");
    }

    /** How one item's value is written inside its result object (its members, without braces). */
    interface ValueWriter<T> {
        void write(JsonBytesWriter w, T value);
    }

    /** The answer: status, content type and body, with the items' results in input order. */
    record Answer(int status, String contentType, JsonBytesWriter body, int failed) {}

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
        JsonBytesWriter w = new JsonBytesWriter(512 + sizeHint + sizeHint / 8 + outcomes.size() * 64);
        w.raw('{');
        if (problem) {
            w.name("type").string(ProblemType.MALFORMED_REQUEST.type().toString()).raw(',');
            w.name("title").string(ProblemType.MALFORMED_REQUEST.title()).raw(',');
            w.name("status").number(status).raw(',');
            w.name("detail").string(failed + " of " + outcomes.size() + " items failed; see batchResults").raw(',');
            w.name("instance").string(path).raw(',');
            w.name("code").string("batch-items-failed").raw(',');
        }
        w.name("keyName").string(keyName).raw(',');
        if (failed > 0) {
            w.name("failed").number(failed).raw(',');
        }
        w.name("batchResults").raw('[');
        boolean first = true;
        for (DataKeys.Outcome<T> o : outcomes) {
            if (!first) {
                w.raw(',');
            }
            first = false;
            w.raw('{');
            if (o.ok()) {
                value.write(w, o.value());
            } else {
                w.name("error").string(o.error().getMessage()).raw(',');
                w.name("code").string(o.error().code());
            }
            w.raw('}');
        }
        w.raw("]}");
        return new Answer(status, problem ? Problem.MEDIA_TYPE : "application/json", w, failed);
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
