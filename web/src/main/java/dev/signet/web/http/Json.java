package dev.signet.web.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON in and out of handlers, with bad input reported as a 400/415 problem. */
public final class Json {

    /** Strict on input (an unknown field is a client bug worth reporting), compact on output. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {}

    /** Whether the request declares a JSON body. */
    public static boolean isJson(Context ctx) {
        String ct = ctx.contentType();
        if (ct == null) {
            return false;
        }
        String base = ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return base.equals("application/json") || base.endsWith("+json");
    }

    /** Reads the body as {@code type}; 415 unless it is declared JSON, 400 if it does not parse. */
    public static <T> T read(Context ctx, Class<T> type) {
        if (!isJson(ctx)) {
            throw ApiException.unsupportedMediaType("send Content-Type: application/json");
        }
        return parse(ctx.bodyAsBytes(), type);
    }

    public static <T> T parse(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiException.badRequest("empty body; expected a JSON object");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("expected a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'");
        } catch (JsonMappingException e) {
            // Jackson's own message names Java types (ours included): say which field, in JSON's terms.
            String field = fieldPath(e);
            throw ApiException.badRequest(field.isEmpty() ? "expected a JSON object with the documented fields"
                    : "field '" + field + "' has the wrong type or value");
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw ApiException.badRequest("malformed JSON" + (at == null ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Writes {@code body} as JSON with the given status. */
    public static void write(Context ctx, int status, Object body) {
        write(ctx, status, "application/json", body);
    }

    public static void write(Context ctx, int status, String contentType, Object body) {
        try {
            ctx.status(status).contentType(contentType).result(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
