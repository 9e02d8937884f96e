package dev.signet.ca.audit;

import dev.signet.ca.AuditEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash chain's rules, in one place so that writing and verifying cannot disagree:
 * {@code hash_n = SHA-256(hash_(n-1) || content_n)} with {@code hash_0} = 32 zero bytes, and
 * {@code content_n} the UTF-8 canonical JSON of the entry's fields (seq, at in epoch milliseconds,
 * actor, action, objectType, objectId, details).
 */
public final class AuditChain {

    /** The hash before the first entry. */
    public static final byte[] GENESIS = new byte[32];

    private static final byte[] CHECKPOINT_DOMAIN = "signet-audit-checkpoint-v1\0".getBytes(StandardCharsets.US_ASCII);

    private AuditChain() {
    }

    /**
     * An entry's fields other than seq and at, each already encoded as canonical JSON. Encoding
     * them is most of the work of an entry's content, and needs nothing from the chain, so writers
     * do it before they queue the entry and the single writer thread only adds seq, at and the hash.
     */
    public record EntryFields(String action, String actor, String details, String objectId, String objectType) {
    }

    /** Encodes the fields; {@code canonicalDetails} must already be canonical JSON. */
    public static EntryFields fields(String actor, String action, String objectType, String objectId,
            String canonicalDetails) {
        return new EntryFields(quoted(action), quoted(actor), canonicalDetails, quoted(objectId), quoted(objectType));
    }

    /** The canonical content of an entry; {@code canonicalDetails} must already be canonical JSON. */
    public static byte[] content(long seq, long atMillis, String actor, String action, String objectType,
            String objectId, String canonicalDetails) {
        return content(seq, atMillis, fields(actor, action, objectType, objectId, canonicalDetails));
    }

    /** The canonical content of an entry from its encoded fields. */
    public static byte[] content(long seq, long atMillis, EntryFields f) {
        StringBuilder out = new StringBuilder(128 + f.details().length());
        // Canonical JSON sorts keys by code point: action, actor, at, details, objectId, objectType, seq.
        out.append("{\"action\":").append(f.action())
                .append(",\"actor\":").append(f.actor())
                .append(",\"at\":").append(atMillis)
                .append(",\"details\":").append(f.details())
                .append(",\"objectId\":").append(f.objectId())
                .append(",\"objectType\":").append(f.objectType())
                .append(",\"seq\":").append(seq)
                .append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The content of a stored entry, as it was hashed. */
    public static byte[] content(AuditEntry e) {
        return content(e.seq(), e.at().toEpochMilli(), e.actor(), e.action(), e.objectType(), e.objectId(), e.details());
    }

    /** {@code SHA-256(previous || content)}. */
    public static byte[] link(byte[] previous, byte[] content) {
        MessageDigest sha256 = sha256();
        sha256.update(previous);
        sha256.update(content);
        return sha256.digest();
    }

    /** The bytes a checkpoint signature covers: a domain tag, the seq (8 bytes, big-endian) and the hash. */
    public static byte[] checkpointMessage(long seq, byte[] hash) {
        return ByteBuffer.allocate(CHECKPOINT_DOMAIN.length + 8 + hash.length)
                .put(CHECKPOINT_DOMAIN).putLong(seq).put(hash).array();
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        CanonicalJson.writeString(s, b);
        return b.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
