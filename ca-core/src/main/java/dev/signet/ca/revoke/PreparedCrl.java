package dev.signet.ca.revoke;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A CRL whose number is reserved, whose header passed lint and whose TBSCertList hash is recorded
 * in the store: the only thing {@link CrlIssuer#issue} signs. Single-use and bound to its issuer
 * (the constructor is package-private). It owns the temporary file of its entries until issued.
 */
public final class PreparedCrl implements AutoCloseable {

    private final CrlIssuer issuer;
    private final long number;
    private final Long baseNumber;
    private final long generation;
    private final Instant thisUpdate;
    private final Instant nextUpdate;
    private final byte[] header;
    private final byte[] revokedHeader;
    private final CrlEntries entries;
    private final byte[] extensions;
    private final byte[] tbsSha256;
    private final AtomicBoolean used = new AtomicBoolean();

    PreparedCrl(CrlIssuer issuer, long number, Long baseNumber, long generation, Instant thisUpdate, Instant nextUpdate,
            byte[] header, byte[] revokedHeader, CrlEntries entries, byte[] extensions, byte[] tbsSha256) {
        this.issuer = issuer;
        this.number = number;
        this.baseNumber = baseNumber;
        this.generation = generation;
        this.thisUpdate = thisUpdate;
        this.nextUpdate = nextUpdate;
        this.header = header;
        this.revokedHeader = revokedHeader;
        this.entries = entries;
        this.extensions = extensions;
        this.tbsSha256 = tbsSha256;
    }

    public long number() {
        return number;
    }

    /** The base CRL's number for a delta, null for a full CRL. */
    public Long baseNumber() {
        return baseNumber;
    }

    public long generation() {
        return generation;
    }

    public Instant thisUpdate() {
        return thisUpdate;
    }

    public Instant nextUpdate() {
        return nextUpdate;
    }

    public long entryCount() {
        return entries.count();
    }

    byte[] header() {
        return header;
    }

    byte[] revokedHeader() {
        return revokedHeader;
    }

    CrlEntries entries() {
        return entries;
    }

    byte[] extensions() {
        return extensions;
    }

    byte[] tbsSha256() {
        return tbsSha256.clone();
    }

    boolean preparedBy(CrlIssuer other) {
        return issuer == other;
    }

    boolean claim() {
        return used.compareAndSet(false, true);
    }

    /** Deletes the entries' temporary file (issue does; a prepared CRL never issued should too). */
    @Override
    public void close() {
        entries.close();
    }
}
