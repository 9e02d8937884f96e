package dev.signet.ca;

import java.util.HexFormat;

/**
 * A chain head known from outside the database: the sequence and head hash of a checkpoint as the
 * server logged it ({@code audit checkpoint: entries 1-SEQ ... head HASH}), kept where someone with
 * the database cannot change it. Like a Certificate Transparency monitor's copy of a signed tree
 * head, it shows a chain that was truncated or rewritten up to that point, even after the
 * checkpoint's own row was deleted.
 */
public record ExpectedCheckpoint(long seq, byte[] hash) {

    public ExpectedCheckpoint {
        if (seq < 1) {
            throw new IllegalArgumentException("an expected checkpoint's sequence is at least 1");
        }
        if (hash.length != 32) {
            throw new IllegalArgumentException("an expected checkpoint's head hash is 32 bytes (64 hex digits)");
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Parses {@code SEQ:HEXHASH}, as the server's log line gives them. */
    public static ExpectedCheckpoint parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split(":", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected SEQ:HEADHASH (from the log line 'audit checkpoint: entries 1-SEQ ... head HEADHASH')");
        }
        long seq;
        byte[] hash;
        try {
            seq = Long.parseLong(parts[0].strip());
            hash = HexFormat.of().parseHex(parts[1].strip().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected SEQ:HEADHASH with a decimal SEQ and a hex HEADHASH");
        }
        return new ExpectedCheckpoint(seq, hash);
    }

    @Override
    public String toString() {
        return seq + ":" + HexFormat.of().formatHex(hash);
    }
}
