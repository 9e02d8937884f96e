package dev.signet.web.api;

import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaReply;
import dev.signet.ca.TsaSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-stamp authorities over HTTP (RFC 3161 3.4), shared by the Javalin routes and the Jetty
 * fast path: {@code application/timestamp-query} in, {@code application/timestamp-reply} out,
 * always HTTP 200. Whatever is wrong with a query (media type, size, encoding, algorithm, policy)
 * gets a {@code rejection} reply with its failInfo. The reply future completes once the token is
 * durably recorded, on the store's TSA completion thread (never on the writer thread).
 */
public final class TsaEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TsaEndpoint.class);
    public static final String QUERY_TYPE = "application/timestamp-query";
    public static final String REPLY_TYPE = "application/timestamp-reply";

    private final TimeStampAuthorities tsas;
    private final int maxQueryBytes;
    private final TsaMetrics metrics;

    public TsaEndpoint(TimeStampAuthorities tsas, int maxQueryBytes, TsaMetrics metrics) {
        this.tsas = tsas;
        this.maxQueryBytes = maxQueryBytes;
        this.metrics = metrics;
    }

    /** Whether {@code name} is a TSA this server has (the default one included). */
    public boolean serves(String name) {
        return TsaSettings.DEFAULT.equals(name) || tsas.names().contains(name);
    }

    /**
     * The reply to one query; the future never fails (a failure becomes a systemFailure rejection).
     *
     * @param contentType the request's media type header, or null
     * @param contentLength the declared length, or -1
     */
    public CompletableFuture<TsaReply> stamp(String name, String contentType, long contentLength, InputStream body) {
        long t0 = System.nanoTime();
        // A granted token's future completes on the store's TSA completion thread, once per committed
        // group handed over from the writer (a hand-off per token here cost more than the reply's write).
        return reply(name, contentType, contentLength, body)
                .exceptionally(e -> {
                    LOG.warn("TSA '{}' could not answer: {}", name, e.toString());
                    return tsas.rejection(name, TsaReply.Failure.SYSTEM_FAILURE, "the TSA is not available");
                })
                .thenApply(r -> {
                    metrics.record(name, r, System.nanoTime() - t0);
                    return r;
                });
    }

    private CompletableFuture<TsaReply> reply(String name, String contentType, long contentLength, InputStream body) {
        String type = contentType == null ? null : contentType.split(";", 2)[0].strip();
        if (type != null && !type.equalsIgnoreCase(QUERY_TYPE)) {
            return refused(name, TsaReply.Failure.BAD_REQUEST, "send " + QUERY_TYPE + ", not " + type);
        }
        if (contentLength > maxQueryBytes) {
            return refused(name, TsaReply.Failure.BAD_REQUEST, "queries are limited to " + maxQueryBytes + " bytes");
        }
        byte[] query;
        try (InputStream in = body) {
            if (contentLength >= 0) {
                // Read into an array of the declared size (readNBytes(limit) allocates 8 KiB chunks).
                query = new byte[(int) contentLength];
                if (in.readNBytes(query, 0, query.length) != query.length || in.read() >= 0) {
                    return refused(name, TsaReply.Failure.BAD_DATA_FORMAT, "the query's length is not its Content-Length");
                }
            } else {
                query = in.readNBytes(maxQueryBytes + 1);
            }
        } catch (IOException e) {
            return refused(name, TsaReply.Failure.BAD_DATA_FORMAT, "the query could not be read");
        }
        if (query.length > maxQueryBytes) {
            return refused(name, TsaReply.Failure.BAD_REQUEST, "queries are limited to " + maxQueryBytes + " bytes");
        }
        if (query.length == 0) {
            return refused(name, TsaReply.Failure.BAD_DATA_FORMAT, "empty query; send a DER TimeStampReq");
        }
        try {
            return tsas.respond(name, query, "public");
        } catch (RuntimeException e) {
            // The HSM or the store failed before a token was made: still an RFC 3161 answer, never a 5xx.
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<TsaReply> refused(String name, TsaReply.Failure failure, String text) {
        return CompletableFuture.completedFuture(tsas.rejection(name, failure, text));
    }
}
