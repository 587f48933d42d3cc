package dev.mlportfolio.core.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run to log: the settings it ran with (params), what it measured (metrics), labels (tags) and
 * files to keep (artifacts), all known when it is handed to a {@link Tracker}.
 *
 * @param experiment the experiment's name; created when missing
 */
public record RunRecord(String experiment, String runName, Instant startTime, Instant endTime, RunOutcome outcome,
                        Map<String, String> params, Map<String, Double> metrics, Map<String, String> tags,
                        List<RunArtifact> artifacts) {

    public RunRecord {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(outcome, "outcome");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        artifacts = List.copyOf(artifacts);
    }

    public static Builder builder(String experiment, String runName) {
        return new Builder(experiment, runName);
    }

    /** Bytes held by this record's artifacts, which is what makes a queue of records heavy. */
    public long artifactBytes() {
        long total = 0;
        for (RunArtifact artifact : artifacts) {
            total += artifact.content().length;
        }
        return total;
    }

    public RunRecord withoutArtifacts() {
        return new RunRecord(experiment, runName, startTime, endTime, outcome, params, metrics, tags, List.of());
    }

    public static final class Builder {
        private final String experiment;
        private final String runName;
        private Instant startTime;
        private Instant endTime;
        private RunOutcome outcome = RunOutcome.FINISHED;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final List<RunArtifact> artifacts = new ArrayList<>();

        private Builder(String experiment, String runName) {
            this.experiment = experiment;
            this.runName = runName;
        }

        public Builder time(Instant start, Instant end) {
            this.startTime = start;
            this.endTime = end;
            return this;
        }

        public Builder outcome(RunOutcome value) {
            this.outcome = value;
            return this;
        }

        /** Skips null values, so optional settings need no checks at the call site. */
        public Builder param(String key, Object value) {
            if (value != null) {
                params.put(key, value.toString());
            }
            return this;
        }

        /** Skips NaN and infinite values, which MLflow's SQL stores do not take. */
        public Builder metric(String key, double value) {
            if (Double.isFinite(value)) {
                metrics.put(key, value);
            }
            return this;
        }

        public Builder tag(String key, String value) {
            if (value != null) {
                tags.put(key, value);
            }
            return this;
        }

        public Builder artifact(String path, String contentType, byte[] content) {
            artifacts.add(new RunArtifact(path, contentType, content));
            return this;
        }

        public RunRecord build() {
            Instant now = Instant.now();
            Instant start = startTime != null ? startTime : now;
            return new RunRecord(experiment, runName, start, endTime != null ? endTime : now, outcome, params, metrics,
                    tags, artifacts);
        }
    }
}
