package dev.mlportfolio.server.tracking;

import java.time.Duration;
import java.util.Optional;

/**
 * How the server logs to MLflow, beyond {@code MLFLOW_TRACKING_URI} and {@code MLFLOW_EXPERIMENT_NAME}.
 *
 * @param ragExperimentName   where RAG query runs go ({@code MLFLOW_RAG_EXPERIMENT_NAME})
 * @param registeredModelName the registry name of the detector ({@code MLFLOW_REGISTERED_MODEL_NAME})
 * @param artifactSampleRate  share of predictions whose overlay and instances are uploaded, 0..1
 * @param queueSize           runs that may wait for MLflow before the oldest are dropped
 * @param timeout             per call to MLflow ({@code MLFLOW_HTTP_REQUEST_TIMEOUT}, seconds)
 */
public record TrackingSettings(String ragExperimentName, String registeredModelName, double artifactSampleRate,
                               int queueSize, Duration timeout, Optional<String> username, Optional<String> password,
                               Optional<String> token) {
    public static final String DEFAULT_RAG_EXPERIMENT = "resume_rag";
    public static final String DEFAULT_MODEL_NAME = "cutler";
    public static final int DEFAULT_QUEUE_SIZE = 10_000;

    public static TrackingSettings defaults() {
        return new TrackingSettings(DEFAULT_RAG_EXPERIMENT, DEFAULT_MODEL_NAME, 1.0, DEFAULT_QUEUE_SIZE,
                Duration.ofSeconds(10), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return "TrackingSettings[rag experiment " + ragExperimentName + ", model " + registeredModelName
                + ", artifact sample rate " + artifactSampleRate + ", queue " + queueSize + ", timeout " + timeout
                + (username.isPresent() ? ", basic auth" : token.isPresent() ? ", token" : "") + "]";
    }
}
