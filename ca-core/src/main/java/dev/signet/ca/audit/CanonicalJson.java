package dev.signet.ca.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON for audit details, so that an entry's hash does not depend on who wrote the JSON:
 * object members sorted by name (UTF-16 code units, as RFC 8785), no insignificant whitespace,
 * strings escaped only where JSON requires it, numbers written as their exact decimal value in
 * plain notation. Parsing is strict RFC 8259 and refuses duplicate member names, because two
 * readers could disagree on which one counts.
 *
 * <p>Jackson parses and writes; this class only decides the order of members, the form of numbers
 * and the escapes. Those three are part of the audit hash chain's format: the bytes written here
 * for a given value must never change.
 */
public final class CanonicalJson {

    /** Containers nested deeper than this are refused: audit details are small, flat objects. */
    private static final int MAX_DEPTH = 32;

    /**
     * A number whose plain notation would be longer than this is refused: {@code 1e999999999} is
     * short to send but a billion digits to write.
     */
    private static final int MAX_NUMBER_DIGITS = 1000;

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .characterEscapes(new MinimalEscapes())
            .build();

    private static final ObjectReader OBJECT_READER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build()
            .readerFor(Map.class);

    private CanonicalJson() {
    }

    /** The input is not JSON, or not the JSON the audit log accepts. */
    public static final class MalformedJsonException extends IllegalArgumentException {
        MalformedJsonException(String message, int position) {
            super(message + " at offset " + position);
        }
    }

    /** Re-encodes a JSON object in canonical form. */
    public static String canonicalizeObject(String json) {
        if (json == null) {
            throw new MalformedJsonException("no JSON", 0);
        }
        Map<String, Object> object;
        try {
            object = OBJECT_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(e.getOriginalMessage(), offset(e.getLocation()));
        }
        if (object == null) {
            // the literal null maps to no object at all
            throw new MalformedJsonException("a JSON object is required", 0);
        }
        try {
            return write(object);
        } catch (IllegalArgumentException e) {
            throw new MalformedJsonException(e.getMessage(), 0);
        }
    }

    /**
     * Writes a map of simple values (String, Number, Boolean, null, and nested Lists and Maps of
     * the same) as a canonical JSON object. Convenient for building audit details.
     */
    public static String write(Map<String, ?> object) {
        return generate(g -> writeValue(object, g, 0));
    }

    /** Appends {@code s} as a JSON string, escaped exactly as in canonical output. */
    static void writeString(String s, StringBuilder out) {
        out.append(quote(s));
    }

    /**
     * {@code s} as a canonical JSON string. A string with nothing to escape (no control character,
     * quote or backslash: {@link MinimalEscapes}) is written here, without a Jackson generator for
     * a few characters; that is most strings of the audit chain (names, serials, times, hex).
     */
    public static String quote(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return generate(g -> g.writeString(s));
            }
        }
        return new StringBuilder(s.length() + 2).append('"').append(s).append('"').toString();
    }

    private interface Generation {
        void run(JsonGenerator g) throws IOException;
    }

    private static String generate(Generation generation) {
        StringWriter out = new StringWriter();
        // A Writer target keeps every char as it is (a byte target would refuse a lone surrogate).
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            generation.run(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toString();
    }

    private static void writeValue(Object v, JsonGenerator g, int depth) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Number n) {
            g.writeNumber(canonicalNumber(new BigDecimal(n.toString())));
        } else if (v instanceof Map<?, ?> m) {
            checkDepth(depth);
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON member names must be strings");
                }
                sorted.put(key, e.getValue());
            }
            g.writeStartObject();
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(e.getValue(), g, depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            checkDepth(depth);
            g.writeStartArray();
            for (Object item : list) {
                writeValue(item, g, depth + 1);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("nesting too deep");
        }
    }

    private static String canonicalNumber(BigDecimal n) {
        if (n.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = n.stripTrailingZeros();
        if (stripped.precision() > MAX_NUMBER_DIGITS || Math.abs((long) stripped.scale()) > MAX_NUMBER_DIGITS) {
            throw new IllegalArgumentException("number too long in plain notation");
        }
        return stripped.toPlainString();
    }

    private static int offset(JsonLocation location) {
        return location == null ? 0 : (int) Math.max(0, location.getCharOffset());
    }

    /**
     * JSON's required escapes and nothing more, in the form the audit chain has always used:
     * {@code \" \\ \b \f \n \r \t}, other control characters as a backslash, u and four lowercase hex digits, every
     * other character (non-ASCII included) as itself. Jackson's own table would write uppercase
     * hex digits, which would change the hashed bytes.
     */
    private static final class MinimalEscapes extends CharacterEscapes {
        private static final int[] ASCII_ESCAPES = new int[128];
        private static final SerializableString[] CONTROL = new SerializableString[0x20];

        static {
            for (int c = 0; c < 0x20; c++) {
                ASCII_ESCAPES[c] = ESCAPE_CUSTOM;
                CONTROL[c] = new SerializedString(switch (c) {
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", c);
                });
            }
            ASCII_ESCAPES['"'] = '"';
            ASCII_ESCAPES['\\'] = '\\';
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII_ESCAPES.clone();
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch < 0x20 ? CONTROL[ch] : null;
        }
    }
}
