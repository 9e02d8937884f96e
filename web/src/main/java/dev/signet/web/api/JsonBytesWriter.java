package dev.signet.web.api;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Compact JSON written into one growing byte array, for the data-key batch answers: base64 is
 * encoded straight into it and the array is answered as it is, where Jackson's generator copied
 * each value into its buffer and then into a stream that copied it again. Strings are escaped as
 * Jackson escapes them (quote, backslash, control characters and surrogate pairs; everything else
 * as UTF-8), so the bytes are the same as before. The caller writes the structure (names, commas) in order.
 */
final class JsonBytesWriter {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int length;
    private byte[] scratch = new byte[0];

    JsonBytesWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    JsonBytesWriter raw(char c) {
        ensure(1);
        buf[length++] = (byte) c;
        return this;
    }

    /** Writes {@code text} as it is: ASCII the caller knows needs no escaping (structure, names). */
    JsonBytesWriter raw(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buf[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** {@code "name":} for a name that needs no escaping. */
    JsonBytesWriter name(String name) {
        return raw('"').raw(name).raw("\":");
    }

    JsonBytesWriter number(int n) {
        return raw(Integer.toString(n));
    }

    /** A string value, quoted and escaped. */
    JsonBytesWriter string(String s) {
        ensure(s.length() + 2);
        buf[length++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[length++] = (byte) c;
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c); // as Jackson writes characters beyond the BMP: the pair escaped
            } else if (c >= 0x80) {
                int end = i + 1;
                while (end < s.length() && s.charAt(end) >= 0x80 && !Character.isSurrogate(s.charAt(end))) {
                    end++;
                }
                byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, length, utf8.length);
                length += utf8.length;
                i = end - 1;
            } else {
                escape(c);
            }
        }
        ensure(1);
        buf[length++] = '"';
        return this;
    }

    private void escape(char c) {
        ensure(6);
        buf[length++] = '\\';
        switch (c) {
            case '"' -> buf[length++] = '"';
            case '\\' -> buf[length++] = '\\';
            case '\b' -> buf[length++] = 'b';
            case '\f' -> buf[length++] = 'f';
            case '\n' -> buf[length++] = 'n';
            case '\r' -> buf[length++] = 'r';
            case '\t' -> buf[length++] = 't';
            default -> {
                length--;
                unicodeEscape(c);
            }
        }
    }

    private void unicodeEscape(char c) {
        ensure(6);
        buf[length++] = '\\';
        buf[length++] = 'u';
        buf[length++] = HEX[c >> 12 & 0xf];
        buf[length++] = HEX[c >> 8 & 0xf];
        buf[length++] = HEX[c >> 4 & 0xf];
        buf[length++] = HEX[c & 0xf];
    }

    /**
     * A string value of Latin-1 characters that need no escaping (a ciphertext: ASCII by its
     * format), copied as they are.
     */
    JsonBytesWriter asciiString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        ensure(bytes.length + 2);
        buf[length++] = '"';
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
        buf[length++] = '"';
        return this;
    }

    /**
     * A string value: {@code bytes} in standard base64 with padding. The JDK's encoder (an AVX-512
     * intrinsic on our machines, twice as fast as a table encoder written here) writes only at the
     * start of an array: into a scratch array kept for the next item, then copied.
     */
    JsonBytesWriter base64String(byte[] bytes) {
        int n = (bytes.length + 2) / 3 * 4;
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        Base64.getEncoder().encode(bytes, scratch);
        ensure(n + 2);
        buf[length++] = '"';
        System.arraycopy(scratch, 0, buf, length, n);
        length += n;
        buf[length++] = '"';
        return this;
    }

    int length() {
        return length;
    }

    /** The bytes written, without copying them. */
    InputStream stream() {
        return new ByteArrayInputStream(buf, 0, length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    private void ensure(int more) {
        if (buf.length - length < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
