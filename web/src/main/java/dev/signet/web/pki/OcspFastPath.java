package dev.signet.web.pki;

import dev.signet.ca.Revocations;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET} and {@code POST /ocsp/...} in Jetty itself, ahead of Javalin, so that a
 * pre-signed response costs a cache lookup and a write, not the framework's per-request work
 * (routing, the access guard, the request logger, a servlet request). Everything else goes on to
 * Javalin. The routes table lists the same two routes, served by the same {@link OcspEndpoint}.
 */
public final class OcspFastPath extends Handler.Wrapper {

    private static final String PREFIX = "/ocsp/";

    private final OcspEndpoint endpoint;

    public OcspFastPath(OcspEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath(); // still encoded: base64 may hold %2F
        if (path == null || !path.startsWith(PREFIX)) {
            return super.handle(request, response, callback);
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String method = request.getMethod();
        OcspEndpoint.Reply reply;
        if ("POST".equals(method) && (slash < 0 || slash == rest.length() - 1)) {
            reply = endpoint.post(body(request));
        } else if ("GET".equals(method) && slash > 0) {
            reply = endpoint.get(rest.substring(slash + 1));
        } else {
            return super.handle(request, response, callback);
        }
        response.setStatus(200);
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            response.getHeaders().put(h.getKey(), h.getValue());
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }

    /** Past this, an oversized body is not even read to its end: the connection is closed after the answer. */
    private static final int DRAIN_LIMIT = 1 << 20;

    /**
     * The body, or an empty array (answered as malformed) when it is longer than a request can be.
     * An oversized body is read and dropped (up to {@link #DRAIN_LIMIT}), so the client still gets
     * its malformedRequest answer.
     */
    private static byte[] body(Request request) throws java.io.IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            long declared = request.getLength();
            if (declared >= 0 && declared <= Revocations.MAX_OCSP_REQUEST_BYTES) {
                // The usual case, read into an array of its size: readNBytes(limit) would allocate
                // 8 KiB per request for a body of about a hundred bytes, most of this path's garbage.
                byte[] exact = new byte[(int) declared];
                int n = in.readNBytes(exact, 0, exact.length);
                return n == exact.length && in.read() < 0 ? exact : new byte[0];
            }
            byte[] b = in.readNBytes(Revocations.MAX_OCSP_REQUEST_BYTES + 1);
            if (b.length <= Revocations.MAX_OCSP_REQUEST_BYTES) {
                return b;
            }
            long dropped = b.length;
            byte[] sink = new byte[8192];
            for (int n; dropped < DRAIN_LIMIT && (n = in.read(sink)) > 0;) {
                dropped += n;
            }
            return new byte[0];
        }
    }
}
