package dev.mlportfolio.core.tracking;

import java.util.List;
import java.util.Optional;

/**
 * The calls a tracking server answers, made synchronously. Every method throws
 * {@link TrackingException} when the call fails. {@link AsyncTracker} drives the write side in the
 * background; reads ({@link #searchRuns}) are made directly by whoever needs the answer.
 */
public interface TrackingBackend extends AutoCloseable {
    /**
     * Where runs and artifacts go.
     *
     * @return the server, e.g. {@code http://127.0.0.1:5000}, without credentials
     */
    String location();

    /** A cheap call that proves the server answers; throws when it does not. */
    void ping();

    /**
     * The experiment's id, creating the experiment when {@code create} is set and it is missing.
     *
     * @param name   the experiment's name
     * @param create whether to create a missing experiment
     * @return the id, or empty when it is missing and was not created
     */
    Optional<String> experimentId(String name, boolean create);

    /** The tag that holds a run's client-side key. */
    String RUN_KEY_TAG = "mlportfolio.run_key";

    /**
     * Starts a run from the record's name, start time and tags; returns its handle. {@code key}
     * is kept with the run (tag {@value #RUN_KEY_TAG}), so that a writer whose start call failed
     * without an answer can {@link #findRun find} the run the server may have made anyway.
     *
     * @param experimentId the experiment
     * @param run          the record
     * @param key          the client-side key, unique per record
     * @return the run's handle
     */
    StartedRun startRun(String experimentId, RunRecord run, String key);

    /**
     * The run started earlier with this key, if the server made it.
     *
     * @param experimentId the experiment
     * @param key          the client-side key given to {@link #startRun}
     * @return the run, or empty when the server has none with that key
     */
    Optional<StartedRun> findRun(String experimentId, String key);

    /**
     * Logs the record's params and metrics in as few calls as the server allows.
     *
     * @param run    the started run
     * @param record its data
     */
    void logData(StartedRun run, RunRecord record);

    /**
     * Uploads one artifact to the run's artifact location.
     *
     * @param run      the started run
     * @param artifact the file
     */
    void uploadArtifact(StartedRun run, RunArtifact artifact);

    /**
     * Sets one tag on a run that exists (a write error, say); the record's own tags go with {@link #startRun}.
     *
     * @param run   the started run
     * @param key   the tag's name
     * @param value its value
     */
    void setTag(StartedRun run, String key, String value);

    /**
     * Marks the run ended with the record's outcome and end time.
     *
     * @param run    the started run
     * @param record its data
     */
    void finishRun(StartedRun run, RunRecord record);

    /**
     * Runs of an experiment, newest first.
     *
     * @param search the experiment, filter and page size
     * @return the runs found
     */
    List<TrackedRun> searchRuns(RunSearch search);

    /**
     * Registers the file as a new model version, or returns the version that already has its sha256.
     *
     * @param model the model's name and file
     * @return the registered version
     */
    RegisteredModelVersion registerModel(ModelRegistration model);

    /**
     * A run artifact's bytes, fetched over HTTP.
     *
     * @param runId the run
     * @param path  the artifact's path in the run
     * @return its bytes
     */
    byte[] downloadArtifact(String runId, String path);

    /** Releases the client's connections. */
    @Override
    void close();

    /**
     * A run the server has created: its id, where its artifacts go, and whether it has ended
     * already (found by key after a restart: then it was written completely).
     *
     * @param runId       the server's id of the run
     * @param artifactUri where its artifacts go
     * @param ended       whether it has ended already
     */
    record StartedRun(String runId, String artifactUri, boolean ended) {
        /**
         * A run just started.
         *
         * @param runId       the server's id of the run
         * @param artifactUri where its artifacts go
         */
        public StartedRun(String runId, String artifactUri) {
            this(runId, artifactUri, false);
        }
    }
}
