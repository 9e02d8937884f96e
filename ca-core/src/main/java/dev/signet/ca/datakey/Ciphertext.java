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
        byte[] header = header();
        byte[] all = Arrays.copyOf(header, header.length + sealed.length);
        System.arraycopy(sealed, 0, all, header.length, sealed.length);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    public String algorithm() {
        return "AES_256_GCM";
    }

    /** @throws DataKeyException (undecryptable) for anything that is not a well-formed version 1 ciphertext */
    public static Ciphertext parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw DataKeyException.undecryptable();
        }
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw DataKeyException.undecryptable();
        }
        // Re-encoding must give the same text: base64 has several spellings of the last character,
        // and a flipped bit there must not decrypt.
        if (all.length < 3 || !Base64.getUrlEncoder().withoutPadding().encodeToString(all).equals(text.substring(PREFIX.length()))) {
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
        if (!Arrays.equals(c.header(), Arrays.copyOf(all, headerLength))) {
            throw DataKeyException.undecryptable(); // the name was not valid UTF-8
        }
        return c;
    }
}
