package dev.signet.web.api;

import dev.signet.web.http.ApiException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** ISO-8601 instants from requests, within the years the store keeps (epoch milliseconds, year 1970 to 9999). */
final class Instants {

    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Instants() {}

    /** {@code value} as an instant; a 400 naming {@code field} if it is not one, or out of range. */
    static Instant parse(String field, String value) {
        Instant t;
        try {
            t = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an ISO-8601 instant, e.g. 2030-01-01T00:00:00Z");
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw ApiException.badRequest(field + " must be between " + EARLIEST + " and " + LATEST);
        }
        return t;
    }
}
