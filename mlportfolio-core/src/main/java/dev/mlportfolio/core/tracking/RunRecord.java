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
 * @param runName    the run's name in MLflow
 * @param startTime  when the work began
 * @param endTime    when it ended
 * @param outcome    how it ended
 * @param params     settings it ran with, as text
 * @param metrics    what it measured (finite numbers only)
 * @param tags       labels
 * @param artifacts  files to upload with the run
 */
public record RunRecord(String experiment, String runName, Instant startTime, Instant endTime, RunOutcome outcome,
                        Map<String, String> params, Map<String, Double> metrics, Map<String, String> tags,
                        List<RunArtifact> artifacts) {

    /**
     * Copies the maps and the list.
     *
     * @throws NullPointerException when a name, a time or the outcome is null
     */
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

    /**
     * Starts a record; times default to when {@link Builder#build} is called, the outcome to finished.
     *
     * @param experiment the experiment's name; created when missing
     * @param runName    the run's name
     * @return a new builder
     */
    public static Builder builder(String experiment, String runName) {
        return new Builder(experiment, runName);
    }

    /**
     * Bytes held by this record's artifacts, which is what makes a queue of records heavy.
     *
     * @return the artifacts' total size
     */
    public long artifactBytes() {
        long total = 0;
        for (RunArtifact artifact : artifacts) {
            total += artifact.content().length;
        }
        return total;
    }

    /**
     * The same run without its artifacts (what is kept when memory runs short).
     *
     * @return a copy with no artifacts
     */
    public RunRecord withoutArtifacts() {
        return new RunRecord(experiment, runName, startTime, endTime, outcome, params, metrics, tags, List.of());
    }

    /** Collects one run's data; not thread-safe. */
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

        /**
         * When the work began and ended.
         *
         * @param start the beginning
         * @param end   the end
         * @return this builder
         */
        public Builder time(Instant start, Instant end) {
            this.startTime = start;
            this.endTime = end;
            return this;
        }

        /**
         * How the run ended (finished by default).
         *
         * @param value the outcome
         * @return this builder
         */
        public Builder outcome(RunOutcome value) {
            this.outcome = value;
            return this;
        }

        /**
         * A setting the run used; skips null values, so optional settings need no checks at the call site.
         *
         * @param key   the parameter's name
         * @param value its value, logged as its {@code toString()}; null is skipped
         * @return this builder
         */
        public Builder param(String key, Object value) {
            if (value != null) {
                params.put(key, value.toString());
            }
            return this;
        }

        /**
         * A measurement; skips NaN and infinite values, which MLflow's SQL stores do not take.
         *
         * @param key   the metric's name
         * @param value its value
         * @return this builder
         */
        public Builder metric(String key, double value) {
            if (Double.isFinite(value)) {
                metrics.put(key, value);
            }
            return this;
        }

        /**
         * A label.
         *
         * @param key   the tag's name
         * @param value its value; null is skipped
         * @return this builder
         */
        public Builder tag(String key, String value) {
            if (value != null) {
                tags.put(key, value);
            }
            return this;
        }

        /**
         * A file to upload with the run.
         *
         * @param path        its path in the run's artifacts
         * @param contentType its media type
         * @param content     its bytes
         * @return this builder
         */
        public Builder artifact(String path, String contentType, byte[] content) {
            artifacts.add(new RunArtifact(path, contentType, content));
            return this;
        }

        /**
         * The record, with times defaulting to now.
         *
         * @return the record
         */
        public RunRecord build() {
            Instant now = Instant.now();
            Instant start = startTime != null ? startTime : now;
            return new RunRecord(experiment, runName, start, endTime != null ? endTime : now, outcome, params, metrics,
                    tags, artifacts);
        }
    }
}
