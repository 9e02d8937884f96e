package dev.signet.ca.store;

import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.Page;
import java.util.regex.Pattern;

/**
 * Argument checks shared by the store's records (and ca-core's query records); failures are
 * {@link InvalidRecordException}s.
 */
public final class Checks {

    private static final Pattern SERIAL = Pattern.compile("[1-9a-f][0-9a-f]{0,39}");

    /** Times beyond this (year 10000) are not stored: epoch milliseconds would overflow far later, but nothing real is that far. */
    static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

    private Checks() {
    }

    public static String notBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException(what + " is required");
        }
        return value;
    }

    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new InvalidRecordException(what + " is required");
        }
        return value;
    }

    /** Lower-case hex without leading zeros, at most 20 octets (RFC 5280 4.1.2.2), as the contract writes serials. */
    static String serial(String serialHex) {
        if (serialHex == null || !SERIAL.matcher(serialHex).matches()) {
            throw new InvalidRecordException("serial must be lower-case hex without leading zeros, at most 40 digits");
        }
        return serialHex;
    }

    /** Paging bounds, the same for every list: a page of 1 to {@link Page#MAX_LIMIT} from offset 0 on. */
    public static void page(int offset, int limit) {
        if (offset < 0) {
            throw new InvalidRecordException("offset must not be negative");
        }
        if (limit < 1 || limit > Page.MAX_LIMIT) {
            throw new InvalidRecordException("limit must be between 1 and " + Page.MAX_LIMIT);
        }
    }

    public static void oneOf(String value, String what, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw new InvalidRecordException(what + " must be one of " + String.join(", ", allowed) + ", not '" + value + "'");
    }
}
