package dev.signet.ca.tsa;

import dev.signet.ca.CaException;
import dev.signet.ca.TimeStamp;
import dev.signet.ca.TimeStampSource;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * An external TSA over HTTP (RFC 3161 3.4), for Signet's own signatures when the configuration
 * names one. Each request carries a fresh nonce and asks for the certificates; the reply must be
 * granted and match the request (imprint, nonce, certReq), as BC's {@code validate} checks.
 */
public final class ExternalTsaClient implements TimeStampSource {

    /** Replies larger than this are refused (a token with a long chain is a few kilobytes). */
    private static final int MAX_REPLY_BYTES = 1 << 20;

    private final URI url;
    private final Duration timeout;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();

    public ExternalTsaClient(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public TimeStamp timestamp(String digestAlgorithm, byte[] messageImprint) {
        ASN1ObjectIdentifier alg = Digests.oid(digestAlgorithm);
        Integer length = alg == null ? null : Digests.length(alg, false);
        if (length == null || messageImprint == null || messageImprint.length != length) {
            throw CaException.badRequest("timestamp-imprint-invalid",
                    "a message imprint is a SHA-256, SHA-384 or SHA-512 hash of the right length");
        }
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        TimeStampRequest request = g.generate(alg, messageImprint, new BigInteger(64, random));
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/timestamp-query")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length > MAX_REPLY_BYTES) {
                throw unavailable("the external TSA answered HTTP " + r.statusCode(), null);
            }
            TimeStampResponse response = new TimeStampResponse(r.body());
            response.validate(request);
            TimeStampToken token = response.getTimeStampToken();
            if (token == null) {
                throw unavailable("the external TSA refused: " + response.getStatusString(), null);
            }
            return new TimeStamp(token.toCMSSignedData().toASN1Structure().getEncoded(ASN1Encoding.DER), chain(token),
                    token.getTimeStampInfo().getSerialNumber().toString(16), token.getTimeStampInfo().getGenTime().toInstant());
        } catch (IOException | TSPException | RuntimeException e) {
            if (e instanceof CaException ce) {
                throw ce;
            }
            throw unavailable("the external TSA at " + url + " gave no usable token", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the external TSA", e);
        }
    }

    /** The token's certificates, the signer's first. */
    private static List<byte[]> chain(TimeStampToken token) throws IOException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> all = token.getCertificates().getMatches(null);
        List<byte[]> out = new ArrayList<>();
        for (X509CertificateHolder c : all) {
            if (token.getSID().match(c)) {
                out.add(0, c.getEncoded());
            } else {
                out.add(c.getEncoded());
            }
        }
        return out;
    }

    private static CaException unavailable(String detail, Throwable cause) {
        return new CaException(CaException.Kind.UNAVAILABLE, "tsa-unavailable", detail, cause);
    }

    @Override
    public String toString() {
        return "external TSA " + url;
    }
}
