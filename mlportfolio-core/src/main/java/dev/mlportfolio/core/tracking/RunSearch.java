package dev.mlportfolio.core.tracking;

import java.util.List;
import java.util.Objects;

/**
 * Which runs to list.
 *
 * @param experiment the experiment's name
 * @param filter  MLflow filter syntax, e.g. {@code metrics.num_instances_detected > 2}; null for all
 * @param orderBy e.g. {@code attributes.start_time DESC}; empty for the server's order (newest first)
 * @param maxResults runs returned at most, 1 to {@value #MAX_RESULTS}
 */
public record RunSearch(String experiment, String filter, List<String> orderBy, int maxResults) {
    /** The most runs one search returns. */
    public static final int MAX_RESULTS = 1000;

    /**
     * Checks the search and copies the order.
     *
     * @throws IllegalArgumentException when {@code maxResults} is out of range
     */
    public RunSearch {
        Objects.requireNonNull(experiment, "experiment");
        orderBy = List.copyOf(orderBy);
        if (maxResults < 1 || maxResults > MAX_RESULTS) {
            throw new IllegalArgumentException("maxResults must be 1.." + MAX_RESULTS + ", was " + maxResults);
        }
    }
}
