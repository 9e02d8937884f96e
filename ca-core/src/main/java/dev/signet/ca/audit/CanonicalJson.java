package dev.signet.ca.audit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON for audit details, so that an entry's hash does not depend on who wrote the JSON:
 * object members sorted by name (UTF-16 code units, as RFC 8785), no insignificant whitespace,
 * strings escaped only where JSON requires it, numbers written as their exact decimal value in
 * plain notation. Parsing is strict RFC 8259 and refuses duplicate member names, because two
 * readers could disagree on which one counts.
 */
public final class CanonicalJson {

    /** Nesting deeper than this is refused: audit details are small, flat objects. */
    private static final int MAX_DEPTH = 32;

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
        Parser p = new Parser(json);
        p.skipWhitespace();
        if (p.pos >= json.length() || json.charAt(p.pos) != '{') {
            throw new MalformedJsonException("a JSON object is required", p.pos);
        }
        StringBuilder out = new StringBuilder(json.length());
        p.value(out, 0);
        p.skipWhitespace();
        if (p.pos != json.length()) {
            throw new MalformedJsonException("trailing characters", p.pos);
        }
        return out.toString();
    }

    /**
     * Writes a map of simple values (String, Number, Boolean, null, and nested Lists and Maps of
     * the same) as a canonical JSON object. Convenient for building audit details.
     */
    public static String write(Map<String, ?> object) {
        StringBuilder out = new StringBuilder();
        writeValue(object, out, 0);
        return out.toString();
    }

    private static void writeValue(Object v, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nesting too deep");
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            writeString(s, out);
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Number n) {
            out.append(canonicalNumber(new BigDecimal(n.toString())));
        } else if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON member names must be strings");
                }
                sorted.put(key, e.getValue());
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(e.getKey(), out);
                out.append(':');
                writeValue(e.getValue(), out, depth + 1);
            }
            out.append('}');
        } else if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeValue(list.get(i), out, depth + 1);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String canonicalNumber(BigDecimal n) {
        if (n.signum() == 0) {
            return "0";
        }
        return n.stripTrailingZeros().toPlainString();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            if (s == null) {
                throw new MalformedJsonException("no JSON", 0);
            }
            this.s = s;
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    return;
                }
            }
        }

        void value(StringBuilder out, int depth) {
            if (depth > MAX_DEPTH) {
                throw new MalformedJsonException("nesting too deep", pos);
            }
            skipWhitespace();
            if (pos >= s.length()) {
                throw new MalformedJsonException("unexpected end", pos);
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> object(out, depth);
                case '[' -> array(out, depth);
                case '"' -> writeString(string(), out);
                case 't' -> literal("true", out);
                case 'f' -> literal("false", out);
                case 'n' -> literal("null", out);
                default -> out.append(number());
            }
        }

        private void object(StringBuilder out, int depth) {
            pos++;
            TreeMap<String, String> members = new TreeMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    if (peek() != '"') {
                        throw new MalformedJsonException("member name expected", pos);
                    }
                    int at = pos;
                    String name = string();
                    skipWhitespace();
                    expect(':');
                    StringBuilder member = new StringBuilder();
                    value(member, depth + 1);
                    if (members.put(name, member.toString()) != null) {
                        throw new MalformedJsonException("duplicate member '" + name + "'", at);
                    }
                    skipWhitespace();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw new MalformedJsonException("',' or '}' expected", pos - 1);
                    }
                }
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : members.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(e.getKey(), out);
                out.append(':').append(e.getValue());
            }
            out.append('}');
        }

        private void array(StringBuilder out, int depth) {
            pos++;
            List<String> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
            } else {
                while (true) {
                    StringBuilder item = new StringBuilder();
                    value(item, depth + 1);
                    items.add(item.toString());
                    skipWhitespace();
                    char c = next();
                    if (c == ']') {
                        break;
                    }
                    if (c != ',') {
                        throw new MalformedJsonException("',' or ']' expected", pos - 1);
                    }
                }
            }
            out.append('[').append(String.join(",", items)).append(']');
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw new MalformedJsonException("control character in string", pos - 1);
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw new MalformedJsonException("short \\u escape", pos);
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new MalformedJsonException("bad \\u escape", pos);
                        }
                        pos += 4;
                    }
                    default -> throw new MalformedJsonException("bad escape", pos - 1);
                }
            }
        }

        private String number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    pos++;
                }
            } else {
                throw new MalformedJsonException("value expected", start);
            }
            if (peek() == '.') {
                pos++;
                requireDigits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                requireDigits();
            }
            return canonicalNumber(new BigDecimal(s.substring(start, pos)));
        }

        private void requireDigits() {
            if (!isDigit(peek())) {
                throw new MalformedJsonException("digit expected", pos);
            }
            while (isDigit(peek())) {
                pos++;
            }
        }

        private void literal(String word, StringBuilder out) {
            if (!s.startsWith(word, pos)) {
                throw new MalformedJsonException("value expected", pos);
            }
            pos += word.length();
            out.append(word);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= s.length()) {
                throw new MalformedJsonException("unexpected end", pos);
            }
            return s.charAt(pos++);
        }

        private void expect(char c) {
            if (next() != c) {
                throw new MalformedJsonException("'" + c + "' expected", pos - 1);
            }
        }
    }
}
