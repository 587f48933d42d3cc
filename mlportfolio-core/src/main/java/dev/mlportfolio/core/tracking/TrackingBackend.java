package dev.mlportfolio.core.tracking;

import java.util.List;
import java.util.Optional;

/**
 * The calls a tracking server answers, made synchronously. Every method throws
 * {@link TrackingException} when the call fails. {@link AsyncTracker} drives the write side in the
 * background; reads ({@link #searchRuns}) are made directly by whoever needs the answer.
 */
public interface TrackingBackend extends AutoCloseable {
    /** Where runs and artifacts go, e.g. {@code http://127.0.0.1:5000}. */
    String location();

    /** A cheap call that proves the server answers; throws when it does not. */
    void ping();

    /** The experiment's id, creating the experiment when {@code create} is set and it is missing. */
    Optional<String> experimentId(String name, boolean create);

    /** The tag that holds a run's client-side key. */
    String RUN_KEY_TAG = "mlportfolio.run_key";

    /**
     * Starts a run from the record's name, start time and tags; returns its handle. {@code key}
     * is kept with the run (tag {@value #RUN_KEY_TAG}), so that a writer whose start call failed
     * without an answer can {@link #findRun find} the run the server may have made anyway.
     */
    StartedRun startRun(String experimentId, RunRecord run, String key);

    /** The run started earlier with this key, if the server made it. */
    Optional<StartedRun> findRun(String experimentId, String key);

    /** Logs the record's params and metrics in as few calls as the server allows. */
    void logData(StartedRun run, RunRecord record);

    void uploadArtifact(StartedRun run, RunArtifact artifact);

    /** Sets one tag on a run that exists (a write error, say); the record's own tags go with {@link #startRun}. */
    void setTag(StartedRun run, String key, String value);

    /** Marks the run ended with the record's outcome and end time. */
    void finishRun(StartedRun run, RunRecord record);

    List<TrackedRun> searchRuns(RunSearch search);

    /** Registers the file as a new model version, or returns the version that already has its sha256. */
    RegisteredModelVersion registerModel(ModelRegistration model);

    /** A run artifact's bytes, fetched over HTTP. */
    byte[] downloadArtifact(String runId, String path);

    @Override
    void close();

    /**
     * A run the server has created: its id, where its artifacts go, and whether it has ended
     * already (found by key after a restart: then it was written completely).
     */
    record StartedRun(String runId, String artifactUri, boolean ended) {
        public StartedRun(String runId, String artifactUri) {
            this(runId, artifactUri, false);
        }
    }
}
