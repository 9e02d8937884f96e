package dev.signet.web.api;

import dev.signet.ca.CaException;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TsaInfo;
import dev.signet.ca.TsaReply;
import dev.signet.ca.TsaSettings;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-stamp authorities over HTTP. {@code POST /tsa} (the default TSA) and
 * {@code POST /tsa/{name}}: RFC 3161 3.4, {@code application/timestamp-query} in,
 * {@code application/timestamp-reply} out, no credentials. Whatever is wrong with a query (media
 * type, size, encoding, algorithm, policy) gets a {@code rejection} reply with its failInfo, with
 * HTTP 200 as RFC 3161 clients expect; only an unknown TSA name is a 404. The admin API lists the
 * TSAs and imports an external CA's certificate for one.
 */
public final class TsaController {

    public record ImportCertificate(String certificatePem, String chainPem) {}

    public record TsaView(String name, String path, String status, String policy, long accuracyMillis, boolean acceptSha1,
                          String caId, String keyAlgorithm, String subject, String certificatePem, String chainPem,
                          String csrPem, long tokensIssued, String lastGenTime, Map<String, Long> rejections) {

        static TsaView of(TsaInfo t) {
            return new TsaView(t.name(), t.path(), t.status(), t.policyOid(), t.accuracyMillis(), t.acceptSha1(), t.caId(),
                    t.keyAlgorithm(), t.subject(), t.certificatePem(), t.chainPem(), t.csrPem(), t.tokensIssued(),
                    t.lastGenTime() == null ? null : t.lastGenTime().toString(), t.rejections());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TsaController.class);
    static final String QUERY_TYPE = "application/timestamp-query";
    static final String REPLY_TYPE = "application/timestamp-reply";

    private final TimeStampAuthorities tsas;
    private final int maxQueryBytes;
    private final TsaMetrics metrics;
    /** Where replies continue once their token is committed: a few threads, so the store's writer only commits. */
    private final Executor replies = replyThreads();

    public TsaController(TimeStampAuthorities tsas, int maxQueryBytes, TsaMetrics metrics) {
        this.tsas = tsas;
        this.maxQueryBytes = maxQueryBytes;
        this.metrics = metrics;
    }

    /** {@code POST /tsa}. */
    public void stampDefault(Context ctx) {
        stamp(ctx, TsaSettings.DEFAULT);
    }

    /** {@code POST /tsa/{name}}. */
    public void stampNamed(Context ctx) {
        String name = ctx.pathParam("name");
        if (!tsas.names().contains(name) || TsaSettings.DEFAULT.equals(name)) {
            throw CaException.notFound("tsa-unknown", "no TSA '" + name + "'");
        }
        stamp(ctx, name);
    }

    /**
     * Answers without holding a request thread while the token's commit is pending: many queries in
     * flight share each group commit, and its fsync, which is what makes the TSA fast on a real disk.
     */
    private void stamp(Context ctx, String name) {
        long t0 = System.nanoTime();
        CompletableFuture<TsaReply> reply = reply(ctx, name)
                // Off the store's writer thread (where the commit completes the future) before any work.
                .thenApplyAsync(r -> r, replies)
                .exceptionally(e -> {
                    LOG.warn("TSA '{}' could not answer: {}", name, e.toString());
                    return rejected(name, TsaReply.Failure.SYSTEM_FAILURE, "the TSA is not available");
                });
        ctx.future(() -> reply.thenAccept(r -> {
            metrics.record(name, r, System.nanoTime() - t0);
            ctx.status(200).contentType(REPLY_TYPE).result(r.der());
        }));
    }

    /** The reply to the request's query: a rejection at once if the query is refused before it reaches the TSA. */
    private CompletableFuture<TsaReply> reply(Context ctx, String name) {
        String type = ctx.contentType() == null ? null : ctx.contentType().split(";", 2)[0].strip();
        if (type != null && !type.equalsIgnoreCase(QUERY_TYPE)) {
            return refused(name, TsaReply.Failure.BAD_REQUEST, "send " + QUERY_TYPE + ", not " + type);
        }
        if (ctx.req().getContentLengthLong() > maxQueryBytes) {
            return refused(name, TsaReply.Failure.BAD_REQUEST, "queries are limited to " + maxQueryBytes + " bytes");
        }
        byte[] query;
        try (InputStream in = ctx.req().getInputStream()) {
            query = in.readNBytes(maxQueryBytes + 1);
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

    private static Executor replyThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "signet-tsa-reply");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private CompletableFuture<TsaReply> refused(String name, TsaReply.Failure failure, String text) {
        return CompletableFuture.completedFuture(rejected(name, failure, text));
    }

    private TsaReply rejected(String name, TsaReply.Failure failure, String text) {
        return tsas.rejection(name, failure, text);
    }

    /** {@code GET /api/v1/tsas}. */
    public void list(Context ctx) {
        List<TsaView> views = tsas.list().stream().map(TsaView::of).toList();
        Json.write(ctx, 200, views);
    }

    /** {@code GET /api/v1/tsas/{name}}. */
    public void get(Context ctx) {
        Json.write(ctx, 200, TsaView.of(tsas.get(ctx.pathParam("name"))));
    }

    /** {@code POST /api/v1/tsas/{name}/certificate}: the external CA's certificate for a pending TSA. */
    public void importCertificate(Context ctx) {
        ImportCertificate req = Json.read(ctx, ImportCertificate.class);
        CaController.require(req.certificatePem(), "certificatePem");
        CaController.require(req.chainPem(), "chainPem");
        Json.write(ctx, 200, TsaView.of(tsas.importCertificate(ctx.pathParam("name"), req.certificatePem(), req.chainPem(),
                Guard.principal(ctx).actor())));
    }
}
