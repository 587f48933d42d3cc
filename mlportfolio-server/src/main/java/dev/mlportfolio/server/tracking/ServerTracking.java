package dev.mlportfolio.server.tracking;

import dev.mlportfolio.core.Version;
import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.core.tracking.ModelRegistration;
import dev.mlportfolio.core.tracking.RegisteredModelVersion;
import dev.mlportfolio.core.tracking.RunRecord;
import dev.mlportfolio.core.tracking.TrackerStatus;
import dev.mlportfolio.core.tracking.TrackingBackend;
import dev.mlportfolio.core.tracking.TrackingException;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.detection.LoadedDetector;
import dev.mlportfolio.server.health.ComponentHealth;
import dev.mlportfolio.server.health.HealthContributor;
import dev.mlportfolio.server.metrics.ServerMetrics;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * The server's MLflow tracking: the background tracker runs are handed to, the client {@code /mlflow/runs}
 * reads with, the detector's registration, and the {@code mlflow} entry of {@code /health}. With no
 * {@code MLFLOW_TRACKING_URI} every part is off and says so.
 */
public final class ServerTracking implements HealthContributor, AutoCloseable {
    public static final String KIND_TAG = "mlportfolio.kind";
    static final String OFF = "MLflow tracking is off: set MLFLOW_TRACKING_URI to an MLflow server, "
            + "e.g. http://127.0.0.1:5000 (scripts/run.sh starts one)";
    private static final Logger LOG = Logger.getLogger(ServerTracking.class.getName());

    /** The detector's place in the model registry, as {@code /model/info} shows it. */
    public record RegistryInfo(String name, String version, String status, String message) {
    }

    private final ServerSettings settings;
    private final AsyncTracker tracker;
    private final TrackingBackend reader;
    private volatile CompletableFuture<RegisteredModelVersion> registration;

    private ServerTracking(ServerSettings settings, AsyncTracker tracker, TrackingBackend reader) {
        this.settings = settings;
        this.tracker = tracker;
        this.reader = reader;
    }

    /** Starts tracking to {@code MLFLOW_TRACKING_URI}; makes no call yet, so a server that is down does not delay start-up. */
    public static ServerTracking start(ServerSettings settings, ServerMetrics metrics, AsyncTracker.Settings overrides) {
        if (settings.mlflowTrackingUri().isEmpty()) {
            LOG.info(OFF);
            return new ServerTracking(settings, null, null);
        }
        TrackingSettings options = settings.tracking();
        MlflowConnection connection = new MlflowConnection(settings.mlflowTrackingUri().get(),
                options.username().orElse(null), options.password().orElse(null), options.token().orElse(null),
                options.timeout());
        AsyncTracker.Settings trackerSettings = (overrides != null ? overrides
                : AsyncTracker.Settings.defaults().withWriters(options.writers()))
                .withQueueCapacity(options.queueSize())
                .withSpool(options.spool());
        AsyncTracker tracker;
        try {
            tracker = new AsyncTracker(MlflowBackend.connect(connection), trackerSettings, listener(metrics));
        } catch (UncheckedIOException e) {
            // Tracking still works, as before the spool: in memory, lost at shutdown beyond the grace period.
            LOG.warning("the MLflow spool cannot be used (" + e.getCause().getMessage() + "); waiting runs are kept "
                    + "in memory only (MLFLOW_QUEUE_SIZE) and are lost if the process stops before they are written");
            tracker = new AsyncTracker(MlflowBackend.connect(connection), trackerSettings.withSpool(null), listener(metrics));
        }
        AsyncTracker started = tracker;
        metrics.gauge("mlflow_queue_depth", "Runs waiting to be written to MLflow", () -> started.status().backlog());
        metrics.gauge("mlflow_spool_bytes", "Bytes the MLflow spool takes on disk (0 without a spool)",
                () -> started.status().spooled() ? started.status().artifactBytes() : 0);
        LOG.info("MLflow tracking to " + connection.displayUri() + " (experiments " + settings.mlflowExperimentName()
                + " and " + options.ragExperimentName() + ", artifact sample rate " + options.artifactSampleRate()
                + ", RAG sample rate " + options.ragSampleRate() + ", " + trackerSettings.writers() + " writers, waiting runs "
                + (started.status().spooled() ? "journaled in " + options.spoolDir().orElseThrow() : "in memory") + ")");
        return new ServerTracking(settings, tracker, MlflowBackend.connect(connection));
    }

    private static AsyncTracker.Listener listener(ServerMetrics metrics) {
        return new AsyncTracker.Listener() {
            @Override
            public void logged(RunRecord run, Duration writeTime) {
                metrics.mlflowLogged(kind(run), writeTime.toNanos() / 1e9);
            }

            @Override
            public void dropped(String reason, int runs) {
                metrics.mlflowDropped(reason, runs);
            }

            @Override
            public void artifactsDropped(String reason, int artifacts) {
                metrics.mlflowArtifactsDropped(reason, artifacts);
            }

            @Override
            public void rejected(RunRecord run, TrackingException error) {
                metrics.mlflowRejected(kind(run));
            }

            @Override
            public void failedAttempt(TrackingException error) {
                metrics.mlflowWriteFailed();
            }
        };
    }

    private static String kind(RunRecord run) {
        return run.tags().getOrDefault(KIND_TAG, "other");
    }

    public boolean enabled() {
        return tracker != null;
    }

    /** Why tracking is off; null when it is on. */
    public String offMessage() {
        return enabled() ? null : OFF;
    }

    /** Hands a run to the background writer; does nothing when tracking is off. Never blocks. */
    public void log(RunRecord run) {
        if (tracker != null) {
            tracker.log(run);
        }
    }

    /**
     * A run with the tags every server run carries: where the request came from, what kind of work
     * it was, and which build made it.
     */
    public static RunRecord.Builder newRun(String experiment, String runName, String kind, RunContext context,
                                           Instant startedAt) {
        return RunRecord.builder(experiment, runName)
                .time(startedAt, Instant.now())
                .tag("request_id", context.requestId())
                .tag("task_id", context.taskId())
                .tag("mode", context.mode())
                .tag(KIND_TAG, kind)
                .tag("mlflow.source.name", "mlportfolio-server")
                .tag("mlportfolio.version", Version.current());
    }

    /** Whether this prediction's overlay and instances are uploaded ({@code MLFLOW_ARTIFACT_SAMPLE_RATE}). */
    public boolean sampleArtifacts() {
        return enabled() && sampled(settings.tracking().artifactSampleRate());
    }

    /** Whether this RAG query is logged as a run at all ({@code MLFLOW_RAG_SAMPLE_RATE}). */
    public boolean sampleRagQuery() {
        return enabled() && sampled(settings.tracking().ragSampleRate());
    }

    private static boolean sampled(double rate) {
        return rate >= 1.0 || rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    public String predictionExperiment() {
        return settings.mlflowExperimentName();
    }

    public String ragExperiment() {
        return settings.tracking().ragExperimentName();
    }

    /** The client that answers searches; empty when tracking is off. */
    public Optional<TrackingBackend> reader() {
        return Optional.ofNullable(reader);
    }

    /** Registers the loaded model file in the background; a model already registered adds no version. */
    public void registerModel(LoadedDetector detector) {
        if (tracker == null || detector.detector().isEmpty()) {
            return;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("format", "onnx");
        tags.put("model_file", detector.modelPath().getFileName().toString());
        tags.put("mlportfolio_version", Version.current());
        registration = tracker.register(new ModelRegistration(settings.tracking().registeredModelName(),
                detector.modelPath(), detector.sha256(), settings.mlflowExperimentName(),
                "CutLER instance segmentation exported to ONNX, served by mlportfolio", tags));
    }

    /** Where the detector stands in the registry; null when tracking is off or no model is loaded. */
    public RegistryInfo registryInfo() {
        CompletableFuture<RegisteredModelVersion> future = registration;
        if (future == null) {
            return null;
        }
        String name = settings.tracking().registeredModelName();
        if (!future.isDone()) {
            return new RegistryInfo(name, null, "pending", "waiting for MLflow at " + tracker.status().location());
        }
        try {
            RegisteredModelVersion version = future.join();
            return new RegistryInfo(version.name(), version.version(), "registered", null);
        } catch (CompletionException e) {
            return new RegistryInfo(name, null, "failed", e.getCause().getMessage());
        }
    }

    public Optional<TrackerStatus> status() {
        return tracker == null ? Optional.empty() : Optional.of(tracker.status());
    }

    @Override
    public String name() {
        return "mlflow";
    }

    @Override
    public ComponentHealth check() {
        if (tracker == null) {
            return ComponentHealth.unavailable(OFF);
        }
        TrackerStatus status = tracker.status();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tracking_uri", status.location());
        details.put("backlog", status.backlog());
        details.put("logged", status.logged());
        details.put("dropped", status.dropped());
        details.put("spooled", status.spooled());
        if (status.spooled()) {
            details.put("spool_bytes", status.artifactBytes());
        }
        return switch (status.state()) {
            case UP -> ComponentHealth.up(details);
            case DEGRADED -> new ComponentHealth(ComponentHealth.Status.DEGRADED, status.backlog()
                    + " runs are waiting to be written to MLflow", details);
            case DOWN -> ComponentHealth.down("MLflow does not answer; runs are kept and retried: " + status.lastError(),
                    details);
        };
    }

    /** Waits until every run queued so far is written; true at once when tracking is off. */
    public boolean flush(Duration timeout) {
        return tracker == null || tracker.flush(timeout);
    }

    /** Writes what is queued within the grace period, then stops. */
    public void close(Duration grace) {
        if (tracker != null) {
            tracker.close(grace);
            reader.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
