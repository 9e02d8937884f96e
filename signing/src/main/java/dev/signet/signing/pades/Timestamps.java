package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.TimestampSource;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Time-stamps from a {@link TimestampSource}, checked before use: a token whose message imprint is
 * not the digest asked for would make the signature unverifiable, so it is refused here. Also
 * remembers the largest token seen, to size a PDF's reserved /Contents.
 */
public final class Timestamps {

    private final TimestampSource source;
    private final AtomicInteger largestToken = new AtomicInteger();

    public Timestamps(TimestampSource source) {
        this.source = source;
    }

    byte[] fetch(String digestAlgorithm, byte[] digest) {
        byte[] der = source.timestamp(digestAlgorithm, digest);
        TimeStampToken token = parse(der);
        if (!MessageDigest.isEqual(token.getTimeStampInfo().getMessageImprintDigest(), digest)) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE, "the TSA stamped another digest than the one sent");
        }
        largestToken.accumulateAndGet(der.length, Math::max);
        return der;
    }

    static TimeStampToken parse(byte[] der) {
        try {
            return new TimeStampToken(new CMSSignedData(der));
        } catch (CMSException | TSPException | IOException | IllegalArgumentException e) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE, "the TSA answered with an unreadable time-stamp token", e);
        }
    }

    /** The largest token this source gave, asking it once (over a dummy digest) when none is known yet. */
    int expectedTokenSize() {
        int known = largestToken.get();
        if (known == 0) {
            fetch("SHA-256", CadesSignature.digest("SHA-256", new byte[0]));
            known = largestToken.get();
        }
        return known;
    }
}
