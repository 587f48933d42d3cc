package dev.mlportfolio.core.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * A run as the tracking server reports it.
 *
 * @param endTime null while the run is still running
 */
public record TrackedRun(String runId, String runName, String experimentId, String status, Instant startTime,
                         Instant endTime, String artifactUri, Map<String, String> params, Map<String, Double> metrics,
                         Map<String, String> tags) {
    public TrackedRun {
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
        tags = Map.copyOf(tags);
    }
}
