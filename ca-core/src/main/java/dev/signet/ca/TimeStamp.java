package dev.signet.ca;

import java.time.Instant;
import java.util.List;

/**
 * A time-stamp token for Signet's own use (PAdES B-T and B-LTA): the DER {@code TimeStampToken}
 * (RFC 3161: a CMS ContentInfo with SignedData over a TSTInfo), and the TSA's certificate chain,
 * DER, TSA certificate first and root last, for the document's validation data.
 */
public record TimeStamp(byte[] token, List<byte[]> chain, String serialHex, Instant genTime) {

    public TimeStamp {
        token = token.clone();
        chain = chain.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    @Override
    public List<byte[]> chain() {
        return chain.stream().map(byte[]::clone).toList();
    }
}
