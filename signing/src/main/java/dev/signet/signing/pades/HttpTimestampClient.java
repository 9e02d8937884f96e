package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.TimestampSource;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

/** An RFC 3161 TSA over HTTP: the only outbound connection signing makes, and only when configured. */
public final class HttpTimestampClient implements TimestampSource {

    private static final int MAX_REPLY = 64 * 1024;

    private final URI url;
    private final Duration timeout;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();

    public HttpTimestampClient(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public byte[] timestamp(String digestAlgorithm, byte[] digest) {
        TimeStampRequestGenerator gen = new TimeStampRequestGenerator();
        gen.setCertReq(true);
        TimeStampRequest request = gen.generate(new DefaultDigestAlgorithmIdentifierFinder().find(digestAlgorithm),
                digest, new BigInteger(64, random));
        try {
            HttpResponse<byte[]> reply = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                            .header("Content-Type", "application/timestamp-query")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (reply.statusCode() != 200 || reply.body().length > MAX_REPLY) {
                throw unavailable("HTTP " + reply.statusCode(), null);
            }
            TimeStampResponse response = new TimeStampResponse(reply.body());
            response.validate(request);
            if (response.getTimeStampToken() == null) {
                throw unavailable("status " + response.getStatus() + " " + response.getStatusString(), null);
            }
            return response.getTimeStampToken().getEncoded(ASN1Encoding.DER);
        } catch (IOException | TSPException e) {
            throw unavailable(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        }
    }

    private SigningException unavailable(String why, Throwable cause) {
        return new SigningException(Kind.TIMESTAMP_UNAVAILABLE, "the time-stamp authority at " + url + " failed: " + why, cause);
    }
}
