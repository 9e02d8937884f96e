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
import java.util.Map;

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
                          String csrPem, long tokensIssued, String lastGenTime, Map<String, Long> rejections,
                          String refusal, String retiredAt, String nextCsrPem, List<PreviousView> previousCertificates) {

        static TsaView of(TsaInfo t) {
            return new TsaView(t.name(), t.path(), t.status(), t.policyOid(), t.accuracyMillis(), t.acceptSha1(), t.caId(),
                    t.keyAlgorithm(), t.subject(), t.certificatePem(), t.chainPem(), t.csrPem(), t.tokensIssued(),
                    t.lastGenTime() == null ? null : t.lastGenTime().toString(), t.rejections(), t.refusal(),
                    t.retiredAt() == null ? null : t.retiredAt().toString(), t.nextCsrPem(),
                    t.previousCertificates().stream().map(PreviousView::of).toList());
        }
    }

    /** A certificate the TSA signed with before (it verifies the tokens issued then). */
    public record PreviousView(String serial, String caId, String notBefore, String notAfter, String replacedAt, String keyState,
                               String certificatePem, String chainPem) {

        static PreviousView of(TsaInfo.PreviousCertificate c) {
            return new PreviousView(c.serial(), c.caId(), c.notBefore().toString(), c.notAfter().toString(),
                    c.replacedAt().toString(), c.keyState(), c.certificatePem(), c.chainPem());
        }
    }

    private final TimeStampAuthorities tsas;
    private final TsaEndpoint endpoint;

    public TsaController(TimeStampAuthorities tsas, TsaEndpoint endpoint) {
        this.tsas = tsas;
        this.endpoint = endpoint;
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
        InputStream body;
        try {
            body = ctx.req().getInputStream();
        } catch (IOException e) {
            body = InputStream.nullInputStream();
        }
        CompletableFuture<TsaReply> reply = endpoint.stamp(name, ctx.contentType(), ctx.req().getContentLengthLong(), body);
        ctx.future(() -> reply.thenAccept(r -> ctx.status(200).contentType(TsaEndpoint.REPLY_TYPE).result(r.der())));
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

    /** {@code POST /api/v1/tsas/{name}/rekey}: a new key and certificate (or CSR, for an external CA). */
    public void rekey(Context ctx) {
        Json.write(ctx, 200, TsaView.of(tsas.rekey(ctx.pathParam("name"), Guard.principal(ctx).actor())));
    }

    /** {@code POST /api/v1/tsas/{name}/retire}: it stamps nothing more. */
    public void retire(Context ctx) {
        Json.write(ctx, 200, TsaView.of(tsas.retire(ctx.pathParam("name"), Guard.principal(ctx).actor())));
    }

    /**
     * {@code POST /api/v1/tsas/{name}/certificate}: the external CA's certificate for a pending TSA,
     * or for the new key of a re-key.
     */
    public void importCertificate(Context ctx) {
        ImportCertificate req = Json.read(ctx, ImportCertificate.class);
        CaController.require(req.certificatePem(), "certificatePem");
        CaController.require(req.chainPem(), "chainPem");
        Json.write(ctx, 200, TsaView.of(tsas.importCertificate(ctx.pathParam("name"), req.certificatePem(), req.chainPem(),
                Guard.principal(ctx).actor())));
    }
}
