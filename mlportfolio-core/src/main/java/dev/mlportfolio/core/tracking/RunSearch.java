package dev.mlportfolio.core.tracking;

import java.util.List;
import java.util.Objects;

/**
 * Which runs to list.
 *
 * @param filter  MLflow filter syntax, e.g. {@code metrics.num_instances_detected > 2}; null for all
 * @param orderBy e.g. {@code attributes.start_time DESC}; empty for the server's order (newest first)
 */
public record RunSearch(String experiment, String filter, List<String> orderBy, int maxResults) {
    public static final int MAX_RESULTS = 1000;

    public RunSearch {
        Objects.requireNonNull(experiment, "experiment");
        orderBy = List.copyOf(orderBy);
        if (maxResults < 1 || maxResults > MAX_RESULTS) {
            throw new IllegalArgumentException("maxResults must be 1.." + MAX_RESULTS + ", was " + maxResults);
        }
    }
}
