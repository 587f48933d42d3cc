package dev.mlportfolio.core.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * A run as the tracking server reports it.
 *
 * @param runId        the server's id of the run
 * @param runName      its name
 * @param experimentId its experiment
 * @param status       MLflow's status: {@code RUNNING}, {@code FINISHED}, {@code FAILED} or {@code KILLED}
 * @param startTime    when it started
 * @param endTime      null while the run is still running
 * @param artifactUri  where its artifacts are
 * @param params       its parameters
 * @param metrics      the latest value of each metric
 * @param tags         its tags
 */
public record TrackedRun(String runId, String runName, String experimentId, String status, Instant startTime,
                         Instant endTime, String artifactUri, Map<String, String> params, Map<String, Double> metrics,
                         Map<String, String> tags) {
    /** Copies the maps. */
    public TrackedRun {
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
        tags = Map.copyOf(tags);
    }
}
