package dev.signet.ca.store;

import java.util.List;

/** One page of a query's results; {@code total} counts all matches, not just this page. */
public record Page<T>(List<T> items, int offset, int limit, long total) {

    public Page {
        items = List.copyOf(items);
    }
}
