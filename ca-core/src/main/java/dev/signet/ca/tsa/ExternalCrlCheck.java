package dev.signet.ca.tsa;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Whether an external CA's CRL lists a TSA certificate it issued: fetched from the first http URL
 * of the certificate's CRL Distribution Points (no redirects, a size limit, short timeouts: the
 * URL is the external CA's, so nothing it serves may hang or flood the node), its signature
 * verified with the issuer certificate of the chain the admin imported, its thisUpdate not in the
 * future and not older than the last one accepted (an old CRL replayed cannot undo a revocation).
 * Any entry for the serial counts, whatever its reason (certificateHold included). Stateless.
 */
public final class ExternalCrlCheck {

    /** Larger CRLs are refused: a TSA's CA that publishes more is not what this check is for. */
    public static final int MAX_CRL_BYTES = 10 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What one check found: {@code revoked} or not from a verified CRL, or a failure ({@code failure} not null). */
    public record Result(String url, boolean revoked, String revocationReason, Instant thisUpdate, Instant nextUpdate, String failure) {

        static Result failed(String url, String why) {
            return new Result(url, false, null, null, null, why);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    /** Thrown when the CRL cannot be fetched; the message says why. */
    public static final class FetchException extends Exception {
        public FetchException(String message) {
            super(message);
        }
    }

    /** Fetches the bytes at an http URL; tests and the node use {@link #http}. */
    @FunctionalInterface
    public interface Fetcher {
        byte[] fetch(URI url) throws FetchException;
    }

    private ExternalCrlCheck() {
    }

    /** The http URLs of {@code cert}'s CRL Distribution Points (full names only), in order. */
    public static List<String> crlUrls(X509CertificateHolder cert) {
        List<String> out = new ArrayList<>();
        Extension ext = cert.getExtension(Extension.cRLDistributionPoints);
        if (ext == null) {
            return out;
        }
        for (DistributionPoint dp : CRLDistPoint.getInstance(ext.getParsedValue()).getDistributionPoints()) {
            DistributionPointName name = dp.getDistributionPoint();
            if (name == null || name.getType() != DistributionPointName.FULL_NAME) {
                continue;
            }
            for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
                if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    String url = DERIA5String.getInstance(g.getName()).getString();
                    if (url.regionMatches(true, 0, "http://", 0, 7)) {
                        out.add(url);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Checks {@code tsaCert} against the CRL at {@code url}, issued by {@code issuer}.
     *
     * @param notBefore the thisUpdate of the last CRL accepted for this certificate, or null
     */
    public static Result check(String url, X509CertificateHolder tsaCert, X509CertificateHolder issuer, Instant now,
            Instant notBefore, Fetcher fetcher) {
        byte[] der;
        try {
            der = fetcher.fetch(URI.create(url));
        } catch (FetchException | IllegalArgumentException e) {
            return Result.failed(url, "fetching the CRL failed: " + e.getMessage());
        }
        X509CRLHolder crl;
        try {
            crl = new X509CRLHolder(der);
        } catch (IOException | RuntimeException e) {
            return Result.failed(url, "not a DER CRL: " + e.getMessage());
        }
        if (!crl.getIssuer().equals(issuer.getSubject())) {
            return Result.failed(url, "the CRL's issuer is " + crl.getIssuer() + ", not " + issuer.getSubject());
        }
        try {
            if (!crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer))) {
                return Result.failed(url, "the CRL's signature does not verify with the issuer certificate " + issuer.getSubject());
            }
        } catch (Exception e) {
            return Result.failed(url, "the CRL's signature cannot be verified: " + e.getMessage());
        }
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        Instant nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(Duration.ofMinutes(5)))) {
            return Result.failed(url, "the CRL's thisUpdate " + thisUpdate + " is in the future");
        }
        if (notBefore != null && thisUpdate.isBefore(notBefore)) {
            return Result.failed(url, "the CRL (thisUpdate " + thisUpdate + ") is older than the one already accepted (" + notBefore + ")");
        }
        BigInteger serial = tsaCert.getSerialNumber();
        X509CRLEntryHolder entry = crl.getRevokedCertificate(serial);
        String reason = null;
        if (entry != null) {
            Extension r = entry.getExtensions() == null ? null : entry.getExtensions().getExtension(Extension.reasonCode);
            reason = r == null ? "unspecified" : org.bouncycastle.asn1.x509.CRLReason.getInstance(r.getParsedValue()).toString().replace("CRLReason: ", "");
        }
        return new Result(url, entry != null, reason, thisUpdate, nextUpdate, null);
    }

    /**
     * Plain http GET: no redirects, {@value #MAX_CRL_BYTES} bytes at most, connect and per-read
     * timeouts of 5 s.
     */
    public static Fetcher http() {
        return url -> {
            if (!"http".equalsIgnoreCase(url.getScheme())) {
                throw new FetchException("only http CRL URLs are fetched, not " + url);
            }
            HttpURLConnection c = null;
            try {
                c = (HttpURLConnection) url.toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout((int) TIMEOUT.toMillis());
                c.setReadTimeout((int) TIMEOUT.toMillis());
                c.setUseCaches(false);
                int status = c.getResponseCode();
                if (status != 200) {
                    throw new FetchException(url + " answered HTTP " + status);
                }
                if (c.getContentLengthLong() > MAX_CRL_BYTES) {
                    throw new FetchException(url + " announces " + c.getContentLengthLong() + " bytes, more than " + MAX_CRL_BYTES);
                }
                try (InputStream in = c.getInputStream()) {
                    byte[] body = in.readNBytes(MAX_CRL_BYTES + 1);
                    if (body.length > MAX_CRL_BYTES) {
                        throw new FetchException(url + " sent more than " + MAX_CRL_BYTES + " bytes");
                    }
                    return body;
                }
            } catch (IOException e) {
                throw new FetchException(url + ": " + e);
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        };
    }
}
