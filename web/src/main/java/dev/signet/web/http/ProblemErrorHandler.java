package dev.signet.web.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route (a path that does not decode, a malformed request
 * line or header), as the same problem+json every route gives: no HTML page, no server name.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int status) {
        ProblemType kind = ProblemType.MALFORMED_REQUEST;
        for (ProblemType t : ProblemType.values()) {
            if (t.status() == status) {
                kind = t;
            }
        }
        if (status >= 500 && kind.status() != status) {
            kind = ProblemType.INTERNAL_ERROR;
        }
        String detail = kind == ProblemType.MALFORMED_REQUEST ? "the request could not be read (bad path encoding or syntax)"
                : kind.title();
        try {
            return Json.MAPPER.writeValueAsBytes(new Problem(kind.type().toString(), kind.title(), status, detail, null, null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
