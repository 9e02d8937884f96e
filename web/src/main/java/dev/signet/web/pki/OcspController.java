package dev.signet.web.pki;

import io.javalin.http.Context;
import java.util.Map;

/**
 * The OCSP routes as Javalin handlers. {@link OcspFastPath} answers these requests before they
 * reach Javalin; these handlers serve them when a server runs without it, with the same endpoint.
 */
public final class OcspController {

    private final OcspEndpoint endpoint;

    public OcspController(OcspEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    public void post(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        write(ctx, endpoint.post(body.length > dev.signet.ca.Revocations.MAX_OCSP_REQUEST_BYTES ? new byte[0] : body));
    }

    public void get(Context ctx) {
        String path = ctx.path();
        String prefix = "/ocsp/" + ctx.pathParam("caId") + "/";
        write(ctx, endpoint.get(path.startsWith(prefix) ? path.substring(prefix.length()) : ""));
    }

    private static void write(Context ctx, OcspEndpoint.Reply reply) {
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            ctx.header(h.getKey(), h.getValue());
        }
        ctx.status(200).result(reply.body());
    }
}
