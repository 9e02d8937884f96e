package dev.signet.web.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A strict reader of JSON (RFC 8259) over a request body already in memory, for the data-key
 * batch bodies: values are read where the caller expects them, in order, with no tree and no
 * strings for what need not be one. Its reason to exist is {@link #rawString}: a string value
 * without escapes (base64, a ciphertext) is found with a vectorised search and is given as its
 * place in the body, to be decoded from there, where a general parser builds or skips it character
 * by character (for a batch of 1 KiB items that was most of reading it).
 *
 * <p>What it refuses, as {@link Malformed} with the line and column: anything that is not JSON
 * (control characters and invalid UTF-8 in strings, bad escapes, lone surrogates, leading zeros,
 * trailing commas, content after the top-level value) and nesting deeper than {@link #MAX_DEPTH}.
 */
final class JsonBytesReader {

    /** Deeper than any body this reads has reason to be. */
    static final int MAX_DEPTH = 64;

    /** Not JSON; the message says where. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final byte[] body;
    private int pos;
    /** The body as Latin-1, made on the first raw string, for indexOf; and the next backslash in it. */
    private String latin1;
    private int nextBackslash;

    JsonBytesReader(byte[] body) {
        this.body = body;
    }

    byte[] body() {
        return body;
    }

    /** The next byte that is not white space, without taking it; -1 at the end. */
    int peek() {
        skipWhitespace();
        return pos < body.length ? body[pos] & 0xff : -1;
    }

    /** Takes {@code c} (after white space), or refuses. */
    void expect(char c) {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        pos++;
    }

    /** Takes {@code c} if it is next (after white space). */
    boolean take(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Takes the end of the body: only white space may be left. */
    void expectEnd() {
        if (peek() != -1) {
            throw malformed("content after the JSON value");
        }
    }

    /**
     * Starts an object's next member: after {@code {} (first) or after a member, takes the comma
     * or the closing brace. Returns the member's name (its colon taken), or null at the end.
     */
    String nextName(boolean first) {
        if (take('}')) {
            return null;
        }
        if (!first) {
            expect(','); // then a name: "{"a":1,}" is refused below
        }
        if (peek() != '"') {
            throw malformed("expected a field name");
        }
        String name = string();
        expect(':');
        return name;
    }

    /** As {@link #nextName}, for an array: whether another element follows (its comma taken). */
    boolean nextElement(boolean first) {
        if (take(']')) {
            return false;
        }
        if (!first) {
            expect(',');
            if (peek() == ']') {
                throw malformed("trailing comma");
            }
        }
        return true;
    }

    /**
     * The current string value's characters in the body, {@code {offset, length}}, if it has no
     * escape (the string is then taken); null otherwise, with nothing taken, for {@link #string} to
     * read it. The quote that ends it and any backslash are found by the JDK's vectorised
     * {@code indexOf} over the body as Latin-1 (about ten times faster here than a loop over the
     * bytes). With {@code checked}, also null unless every character is printable ASCII; without,
     * the caller must refuse anything else itself (a base64 decoder does) and then read the value
     * again from {@link #position()} with {@link #string}, which tells malformed JSON from a bad value.
     */
    int[] rawString(boolean checked) {
        if (peek() != '"') {
            throw malformed("expected a string");
        }
        int from = pos + 1;
        if (latin1 == null) {
            latin1 = new String(body, StandardCharsets.ISO_8859_1);
            nextBackslash = latin1.indexOf('\\');
        }
        int end = latin1.indexOf('"', from);
        if (end < 0) {
            return null; // unterminated: string() says so
        }
        if (nextBackslash >= 0 && nextBackslash < from) {
            nextBackslash = latin1.indexOf('\\', from);
        }
        if (nextBackslash >= 0 && nextBackslash < end || checked && !printableAscii(from, end)) {
            return null;
        }
        pos = end + 1;
        return new int[]{from, end - from};
    }

    /** Where the reader is; {@link #seek} goes back there. */
    int position() {
        return pos;
    }

    void seek(int position) {
        pos = position;
    }

    /** Whether the bytes from {@code from} to {@code end} are all 0x20-0x7f: eight at a time, exact. */
    private boolean printableAscii(int from, int end) {
        int i = from;
        long any = 0;
        for (; end - i >= 8; i += 8) {
            long w = (long) LONG_LE.get(body, i);
            any |= (w - ONES * 0x20) & ~w | w; // a byte below 0x20 or above 0x7f sets its high bit
        }
        if ((any & HIGHS) != 0) {
            return false;
        }
        for (; i < end; i++) {
            if (body[i] < 0x20) { // bytes are signed: above 0x7f is negative
                return false;
            }
        }
        return true;
    }

    /** A string value, escapes decoded. */
    String string() {
        if (peek() != '"') {
            throw malformed("expected a string");
        }
        int start = pos;
        pos++;
        StringBuilder out = null;
        int run = pos; // start of the current stretch of ASCII without escapes
        while (true) {
            if (pos >= body.length) {
                pos = start;
                throw malformed("unterminated string");
            }
            int b = body[pos] & 0xff;
            if (b == '"') {
                String s;
                if (out == null) {
                    s = new String(body, run, pos - run, StandardCharsets.ISO_8859_1);
                } else {
                    out.append(new String(body, run, pos - run, StandardCharsets.ISO_8859_1));
                    s = out.toString();
                }
                pos++;
                return s;
            }
            if (b >= 0x20 && b < 0x80 && b != '\\') {
                pos++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(new String(body, run, pos - run, StandardCharsets.ISO_8859_1));
            if (b < 0x20) {
                throw malformed("control character in a string");
            } else if (b == '\\') {
                escape(out);
            } else {
                utf8(out, b);
            }
            run = pos;
        }
    }

    private void escape(StringBuilder out) {
        pos++; // the backslash
        if (pos >= body.length) {
            throw malformed("unterminated string");
        }
        int c = body[pos++];
        switch (c) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                char ch = hex4();
                if (Character.isHighSurrogate(ch)) {
                    if (pos + 1 < body.length && body[pos] == '\\' && body[pos + 1] == 'u') {
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw malformed("a high surrogate without its low surrogate");
                        }
                        out.append(ch).append(low);
                    } else {
                        throw malformed("a high surrogate without its low surrogate");
                    }
                } else if (Character.isLowSurrogate(ch)) {
                    throw malformed("a low surrogate without its high surrogate");
                } else {
                    out.append(ch);
                }
            }
            default -> {
                pos--;
                throw malformed("invalid escape");
            }
        }
    }

    private char hex4() {
        if (pos + 4 > body.length) {
            throw malformed("incomplete \\u escape");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(body[pos + k], 16);
            if (d < 0) {
                pos += k;
                throw malformed("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
    }

    /** One UTF-8 sequence starting with {@code b} (not ASCII); refuses overlong forms, surrogates and more than U+10FFFF. */
    private void utf8(StringBuilder out, int b) {
        int n;
        int cp;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            n = 1;
            cp = b & 0x1f;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            n = 2;
            cp = b & 0x0f;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            n = 3;
            cp = b & 0x07;
            min = 0x10000;
        } else {
            throw malformed("invalid UTF-8");
        }
        if (pos + n >= body.length) {
            throw malformed("invalid UTF-8");
        }
        for (int k = 1; k <= n; k++) {
            int c = body[pos + k] & 0xff;
            if ((c & 0xc0) != 0x80) {
                throw malformed("invalid UTF-8");
            }
            cp = cp << 6 | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw malformed("invalid UTF-8");
        }
        out.appendCodePoint(cp);
        pos += n + 1;
    }

    /** Whether the next value is JSON's {@code null} (then taken). */
    boolean takeNull() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (pos + k >= body.length || body[pos + k] != word.charAt(k)) {
                pos += k;
                throw malformed("invalid literal");
            }
        }
        pos += word.length();
    }

    /**
     * A number as its text, checked against JSON's grammar; {@code integer} tells whether it has
     * neither fraction nor exponent.
     */
    record NumberText(String text, boolean integer) {}

    NumberText number() {
        skipWhitespace();
        int start = pos;
        boolean integer = true;
        if (pos < body.length && body[pos] == '-') {
            pos++;
        }
        if (pos < body.length && body[pos] == '0') {
            pos++;
        } else if (digits() == 0) {
            throw malformed("invalid number");
        }
        if (pos < body.length && body[pos] == '.') {
            pos++;
            integer = false;
            if (digits() == 0) {
                throw malformed("invalid number");
            }
        }
        if (pos < body.length && (body[pos] == 'e' || body[pos] == 'E')) {
            pos++;
            integer = false;
            if (pos < body.length && (body[pos] == '+' || body[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw malformed("invalid number");
            }
        }
        if (pos < body.length && (body[pos] >= '0' && body[pos] <= '9')) {
            throw malformed("leading zero"); // "01"
        }
        return new NumberText(new String(body, start, pos - start, StandardCharsets.US_ASCII), integer);
    }

    private int digits() {
        int n = 0;
        while (pos < body.length && body[pos] >= '0' && body[pos] <= '9') {
            pos++;
            n++;
        }
        return n;
    }

    /** Skips one value of any kind, checking it is JSON. */
    void skipValue() {
        skipValue(0);
    }

    private void skipValue(int depth) {
        int c = peek();
        switch (c) {
            case '{' -> {
                nest(depth);
                pos++;
                for (boolean first = true; nextName(first) != null; first = false) {
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                nest(depth);
                pos++;
                for (boolean first = true; nextElement(first); first = false) {
                    skipValue(depth + 1);
                }
            }
            case '"' -> {
                if (rawString(true) == null) {
                    string();
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw malformed(c == -1 ? "unexpected end of input" : "unexpected character");
                }
            }
        }
    }

    private void nest(int depth) {
        if (depth >= MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
    }

    private void skipWhitespace() {
        while (pos < body.length) {
            byte b = body[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    /** Refuses the body at the current position, with its line and column (1-based, columns in bytes). */
    Malformed malformed(String why) {
        int line = 1;
        int lineStart = 0;
        int at = Math.min(pos, body.length);
        for (int i = 0; i < at; i++) {
            if (body[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Malformed("malformed JSON at line " + line + ", column " + (at - lineStart + 1) + ": " + why);
    }
}
