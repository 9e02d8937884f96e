package dev.signet.ca;

import java.util.List;

/** One page of a query's results; {@code total} counts all matches, not just this page. */
public record Page<T>(List<T> items, int offset, int limit, long total) {

    /** The largest page a query may ask for. */
    public static final int MAX_LIMIT = 1000;

    public Page {
        items = List.copyOf(items);
    }
}
