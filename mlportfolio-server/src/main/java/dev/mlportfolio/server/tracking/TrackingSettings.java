package dev.mlportfolio.server.tracking;

import dev.mlportfolio.core.tracking.SpoolSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the server logs to MLflow, beyond {@code MLFLOW_TRACKING_URI} and {@code MLFLOW_EXPERIMENT_NAME}.
 *
 * @param ragExperimentName   where RAG query runs go ({@code MLFLOW_RAG_EXPERIMENT_NAME})
 * @param registeredModelName the registry name of the detector ({@code MLFLOW_REGISTERED_MODEL_NAME})
 * @param artifactSampleRate  share of predictions whose overlay and instances are uploaded, 0..1
 * @param ragSampleRate       share of RAG queries logged as runs at all, 0..1 ({@code MLFLOW_RAG_SAMPLE_RATE})
 * @param queueSize           runs that may wait in memory before the oldest are dropped (without a spool)
 * @param timeout             per call to MLflow ({@code MLFLOW_HTTP_REQUEST_TIMEOUT}, seconds)
 * @param spoolDir            where waiting runs are journaled ({@code MLFLOW_SPOOL_DIR}); empty: in memory
 * @param spoolMaxBytes       what the journal may take on disk ({@code MLFLOW_SPOOL_MAX_BYTES})
 * @param spoolFsync          when journaled runs are forced to disk ({@code MLFLOW_SPOOL_FSYNC})
 * @param writers             runs written to MLflow at once ({@code MLFLOW_WRITERS})
 */
public record TrackingSettings(String ragExperimentName, String registeredModelName, double artifactSampleRate,
                               double ragSampleRate, int queueSize, Duration timeout, Optional<String> username,
                               Optional<String> password, Optional<String> token, Optional<Path> spoolDir,
                               long spoolMaxBytes, SpoolSettings.Fsync spoolFsync, int writers) {
    public static final String DEFAULT_RAG_EXPERIMENT = "resume_rag";
    public static final String DEFAULT_MODEL_NAME = "cutler";
    public static final int DEFAULT_QUEUE_SIZE = 10_000;
    public static final Path DEFAULT_SPOOL_DIR = Path.of("work", "mlflow-spool");
    public static final int DEFAULT_WRITERS = 4;

    /** The spool the tracker journals to, or null for the in-memory queue. */
    public SpoolSettings spool() {
        return spoolDir.map(dir -> new SpoolSettings(dir, spoolMaxBytes, spoolFsync)).orElse(null);
    }

    @Override
    public String toString() {
        return "TrackingSettings[rag experiment " + ragExperimentName + ", model " + registeredModelName
                + ", artifact sample rate " + artifactSampleRate + ", rag sample rate " + ragSampleRate
                + (spoolDir.isPresent() ? ", spool " + spoolDir.get() + " (" + spoolMaxBytes + " bytes, fsync "
                + spoolFsync + ")" : ", queue " + queueSize) + ", writers " + writers + ", timeout " + timeout
                + (username.isPresent() ? ", basic auth" : token.isPresent() ? ", token" : "") + "]";
    }
}
