package dev.signet.ca.datakey;

import dev.signet.ca.DataKeyException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The self-describing ciphertext of a data key: {@code signet:v1:} followed by the unpadded
 * base64url of
 * <pre>
 *   format (1 byte, 1) | algorithm (1 byte, 1 = AES-256-GCM) | name length (1 byte) | name (UTF-8)
 *   | key version (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
 * </pre>
 * Everything before the nonce (the header) is part of the AES-GCM associated data, followed by the
 * encryption context, so a change to any byte, the header included, fails authentication. Parsing
 * refuses every malformed input with the one {@link DataKeyException#undecryptable()}.
 */
public record Ciphertext(String keyName, int version, byte[] sealed) {

    public static final String PREFIX = "signet:v1:";
    static final byte FORMAT = 1;
    static final byte AES_256_GCM = 1;
    /** Nonce and tag of AES-GCM: the shortest sealed part (an empty plaintext). */
    static final int MIN_SEALED = 12 + 16;

    /** The header bytes: what the associated data starts with. */
    public byte[] header() {
        return header(keyName, version);
    }

    /** The header of every ciphertext sealed under {@code keyName} at {@code version}. */
    public static byte[] header(String keyName, int version) {
        byte[] name = keyName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + name.length + 4)
                .put(FORMAT).put(AES_256_GCM).put((byte) name.length).put(name).putInt(version)
                .array();
    }

    /** The associated data given to AES-GCM: header, then the canonical encryption context. */
    public static byte[] associatedData(byte[] header, byte[] context) {
        byte[] aad = Arrays.copyOf(header, header.length + context.length);
        System.arraycopy(context, 0, aad, header.length, context.length);
        return aad;
    }

    public String encode() {
        return encode(header(), sealed);
    }

    /** The text of a ciphertext from its header and sealed part, without parsing either. */
    public static String encode(byte[] header, byte[] sealed) {
        byte[] all = Arrays.copyOf(header, header.length + sealed.length);
        System.arraycopy(sealed, 0, all, header.length, sealed.length);
        return PREFIX + BASE64URL_ENCODER.encodeToString(all);
    }

    public String algorithm() {
        return "AES_256_GCM";
    }

    /** @throws DataKeyException (undecryptable) for anything that is not a well-formed version 1 ciphertext */
    public static Ciphertext parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw DataKeyException.undecryptable();
        }
        byte[] chars = text.getBytes(StandardCharsets.ISO_8859_1); // anything else becomes '?', not base64
        int encoded = chars.length - PREFIX_BYTES.length;
        byte[] all;
        try {
            ByteBuffer decoded = BASE64URL_DECODER.decode(ByteBuffer.wrap(chars, PREFIX_BYTES.length, encoded));
            // The JDK decodes into an array of the input's decoded length: used as it is unless padding shortened it.
            all = decoded.array().length == decoded.remaining() ? decoded.array() : Arrays.copyOf(decoded.array(), decoded.remaining());
        } catch (IllegalArgumentException e) {
            throw DataKeyException.undecryptable();
        }
        // Only the one unpadded spelling: base64 has several spellings of the last character (and
        // padding), and a flipped bit there must not decrypt.
        if (all.length < 3 || !canonical(chars, PREFIX_BYTES.length, encoded, all.length)) {
            throw DataKeyException.undecryptable();
        }
        int nameLength = all[2] & 0xff;
        int headerLength = 3 + nameLength + 4;
        if (all[0] != FORMAT || all[1] != AES_256_GCM || nameLength == 0 || all.length < headerLength + MIN_SEALED) {
            throw DataKeyException.undecryptable();
        }
        String name = new String(all, 3, nameLength, StandardCharsets.UTF_8);
        int version = ByteBuffer.wrap(all, 3 + nameLength, 4).getInt();
        if (version < 1) {
            throw DataKeyException.undecryptable();
        }
        Ciphertext c = new Ciphertext(name, version, Arrays.copyOfRange(all, headerLength, all.length));
        if (!Arrays.equals(c.header(), 0, headerLength, all, 0, headerLength)) {
            throw DataKeyException.undecryptable(); // the name was not valid UTF-8
        }
        return c;
    }

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder BASE64URL_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    static int encodedLength(int bytes) {
        return (bytes * 4 + 2) / 3;
    }

    /**
     * Whether {@code length} characters at {@code offset} are the one unpadded base64url spelling of
     * {@code decoded} bytes (the decoder accepted them): the exact length, and no bits set past the
     * last byte in the last character. Cheaper than encoding again and comparing.
     */
    static boolean canonical(byte[] chars, int offset, int length, int decoded) {
        if (length != encodedLength(decoded)) {
            return false; // padding, or characters that decode to nothing
        }
        int rest = decoded % 3;
        if (rest == 0) {
            return true;
        }
        int last = ALPHABET.indexOf(chars[offset + length - 1]);
        int unused = rest == 1 ? 0x0f : 0x03;
        return last >= 0 && (last & unused) == 0;
    }
}
