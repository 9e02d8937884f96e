package dev.signet.web;

import dev.signet.ca.CaException;
import dev.signet.ca.TimeStamp;
import dev.signet.ca.TimeStampSource;
import dev.signet.signing.SigningException;
import dev.signet.signing.TimestampSource;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The signing module's time-stamps from the TSA Signet itself uses (built-in, recorded and audited
 * like every token, or the external one configured as {@code tsa.externalUrl}). It remembers the
 * chain of the last token so that B-LT can carry the TSA chain's revocation data.
 */
final class DocumentTimestamps implements TimestampSource {

    private final TimeStampSource source;
    private volatile List<X509Certificate> chain = List.of();

    DocumentTimestamps(TimeStampSource source) {
        this.source = source;
    }

    @Override
    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
        TimeStamp stamp;
        try {
            stamp = source.timestamp(digestAlgorithm, digest);
        } catch (CaException e) {
            throw new SigningException(SigningException.Kind.TIMESTAMP_UNAVAILABLE,
                    "the time-stamp authority gave no token: " + e.getMessage(), e);
        }
        chain = certificates(stamp.chain());
        return stamp.token();
    }

    @Override
    public List<X509Certificate> chain() {
        return chain;
    }

    private static List<X509Certificate> certificates(List<byte[]> ders) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (byte[] der : ders) {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new SigningException(SigningException.Kind.TIMESTAMP_UNAVAILABLE,
                    "the time-stamp authority's chain cannot be read", e);
        }
    }
}
