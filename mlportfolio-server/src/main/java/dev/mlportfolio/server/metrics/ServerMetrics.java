package dev.mlportfolio.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The server's Prometheus meters, in a registry of its own (so two servers in one JVM, as in tests,
 * do not share counts). Names and labels are the original service's, so its dashboards keep working.
 */
public final class ServerMetrics {
    private static final double[] HTTP_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] UPLOAD_BYTES = {1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20};
    private static final double[] MODEL_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30};
    private static final double[] RAG_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] TASK_SECONDS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800};

    /** Where scrapes are written (see {@link #scrape()}); a daemon, shared by every registry of the JVM. */
    private static final Executor SCRAPE_THREAD = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("metrics-scrape").daemon(true).factory());

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter httpRequests = Counter.builder()
            .name("http_requests_total")
            .help("HTTP requests answered, by method, route template and status code")
            .labelNames("method", "endpoint", "status")
            .register(registry);
    private final Histogram httpDuration = Histogram.builder()
            .name("http_request_duration_seconds")
            .help("Time from receiving a request to sending its answer, by method and route template")
            .labelNames("method", "endpoint")
            .classicOnly()
            .classicUpperBounds(HTTP_SECONDS)
            .register(registry);
    private final Gauge requestsInFlight = Gauge.builder()
            .name("http_requests_in_flight")
            .help("HTTP requests being handled right now")
            .register(registry);
    private final List<Supplier<Map<String, Long>>> modelMemorySources = new CopyOnWriteArrayList<>();
    private volatile IntSupplier openConnections;
    private final Counter fileUploads = Counter.builder()
            .name("file_uploads_total")
            .help("Uploaded files by detected type and outcome (accepted, too_large, unsupported, invalid)")
            .labelNames("file_type", "status")
            .register(registry);
    private final Histogram fileUploadSize = Histogram.builder()
            .name("file_upload_size_bytes")
            .help("Size of accepted uploads, by detected type")
            .labelNames("file_type")
            .classicOnly()
            .classicUpperBounds(UPLOAD_BYTES)
            .register(registry);
    private final Counter modelPredictions = Counter.builder()
            .name("model_predictions_total")
            .help("Model predictions by model and outcome (success, error)")
            .labelNames("model_name", "status")
            .register(registry);
    private final Histogram modelPredictionDuration = Histogram.builder()
            .name("model_prediction_duration_seconds")
            .help("Time of one whole prediction (decode to overlay), by model")
            .labelNames("model_name")
            .classicOnly()
            .classicUpperBounds(MODEL_SECONDS)
            .register(registry);
    private final Histogram modelStageDuration = Histogram.builder()
            .name("model_stage_duration_seconds")
            .help("Time of each stage of a prediction (decode, preprocess, inference, postprocess, overlay)")
            .labelNames("model_name", "stage")
            .classicOnly()
            .classicUpperBounds(MODEL_SECONDS)
            .register(registry);
    private final Counter ragQueries = Counter.builder()
            .name("rag_queries_total")
            .help("Resume questions by outcome (success, not_found, error) and answer mode (extractive, generative)")
            .labelNames("status", "mode")
            .register(registry);
    private final Histogram ragDuration = Histogram.builder()
            .name("rag_query_duration_seconds")
            .help("Time to answer a resume question, by answer mode")
            .labelNames("mode")
            .classicOnly()
            .classicUpperBounds(RAG_SECONDS)
            .register(registry);
    private final Counter ragGenerations = Counter.builder()
            .name("rag_generations_total")
            .help("Language-model generations by outcome: shown, fallback (auto mode showed the extractive answer), "
                    + "cancelled (the client went away), busy (no free slot in time), too_long, error")
            .labelNames("outcome")
            .register(registry);
    private final Counter ragGeneratedTokens = Counter.builder()
            .name("rag_generated_tokens_total")
            .help("Tokens written by the language model")
            .register(registry);
    private final Histogram ragStageDuration = Histogram.builder()
            .name("rag_stage_duration_seconds")
            .help("Time of each stage of answering (embedding, retrieval, answer)")
            .labelNames("stage")
            .classicOnly()
            .classicUpperBounds(RAG_SECONDS)
            .register(registry);
    private final Counter tasksSubmitted = Counter.builder()
            .name("tasks_submitted_total")
            .help("Async task submissions by kind and outcome (accepted, rejected_full, rejected_shutdown, rejected_unavailable)")
            .labelNames("kind", "outcome")
            .register(registry);
    private final Counter tasksFinished = Counter.builder()
            .name("tasks_finished_total")
            .help("Async tasks that ended, by kind and final status (completed, failed)")
            .labelNames("kind", "status")
            .register(registry);
    private final Counter tasksClaimed = Counter.builder()
            .name("tasks_claimed_total")
            .help("Async tasks this replica's workers started, by kind; redelivered=true: taken over from a replica that stopped")
            .labelNames("kind", "redelivered")
            .register(registry);
    private final Counter tasksHandedBack = Counter.builder()
            .name("tasks_handed_back_total")
            .help("Started async tasks this replica gave back to the shared queue while draining, by kind")
            .labelNames("kind")
            .register(registry);
    private final Histogram taskDuration = Histogram.builder()
            .name("task_duration_seconds")
            .help("Time an async task spent running, by kind")
            .labelNames("kind")
            .classicOnly()
            .classicUpperBounds(TASK_SECONDS)
            .register(registry);
    private final Counter mlflowRecords = Counter.builder()
            .name("mlflow_records_total")
            .help("Runs handed to the MLflow writer, by outcome (logged, rejected by the server)")
            .labelNames("kind", "outcome")
            .register(registry);
    private final Counter mlflowDropped = Counter.builder()
            .name("mlflow_records_dropped_total")
            .help("Runs lost before reaching MLflow, by reason (queue_full, shutdown, closed)")
            .labelNames("reason")
            .register(registry);
    private final Counter mlflowArtifactsDropped = Counter.builder()
            .name("mlflow_artifacts_dropped_total")
            .help("Run artifacts not uploaded, by reason (memory: the queue's byte budget; rejected by the server)")
            .labelNames("reason")
            .register(registry);
    private final Counter mlflowFailures = Counter.builder()
            .name("mlflow_write_failures_total")
            .help("MLflow calls that failed and will be retried (server down, timeout, 5xx)")
            .register(registry);
    private final Histogram mlflowWriteDuration = Histogram.builder()
            .name("mlflow_write_duration_seconds")
            .help("Time from a run leaving the queue to being fully written, retries included")
            .classicOnly()
            .classicUpperBounds(RAG_SECONDS)
            .register(registry);

    public ServerMetrics() {
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder()
                .name("model_memory_usage_bytes")
                .help("Resident memory the process gained while loading each model (ONNX sessions, mapped weights)")
                .labelNames("model_name")
                .callback(callback -> modelMemorySources.forEach(source -> source.get()
                        .forEach((model, bytes) -> callback.call(bytes, model))))
                .register(registry);
        gauge("active_connections", "Open HTTP connections to the server, idle keep-alive ones included (counted as they "
                + "open and close)", () -> openConnections != null ? openConnections.getAsInt() : requestsInFlight.get());
    }

    /** Where {@code active_connections} reads the open connections; until set, requests in flight. */
    public void openConnections(IntSupplier source) {
        openConnections = source;
    }

    /** Adds models whose memory is reported, by name; read at every scrape, so models loaded later appear then. */
    public void modelMemory(Supplier<Map<String, Long>> source) {
        modelMemorySources.add(source);
    }

    /** The registry, for meters other parts of the server add. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public void requestStarted() {
        requestsInFlight.inc();
    }

    public void requestFinished(String method, String endpoint, int status, double seconds) {
        requestsInFlight.dec();
        httpRequests.labelValues(method, endpoint, Integer.toString(status)).inc();
        httpDuration.labelValues(method, endpoint).observe(seconds);
    }

    public void uploadAccepted(String fileType, long bytes) {
        fileUploads.labelValues(fileType, "accepted").inc();
        fileUploadSize.labelValues(fileType).observe(bytes);
    }

    public void uploadRejected(String fileType, String reason) {
        fileUploads.labelValues(fileType, reason).inc();
    }

    public void prediction(String model, boolean success, double seconds) {
        modelPredictions.labelValues(model, success ? "success" : "error").inc();
        modelPredictionDuration.labelValues(model).observe(seconds);
    }

    public void predictionStage(String model, String stage, double seconds) {
        modelStageDuration.labelValues(model, stage).observe(seconds);
    }

    public void ragQuery(String status, String mode, double seconds) {
        ragQueries.labelValues(status, mode).inc();
        ragDuration.labelValues(mode).observe(seconds);
    }

    public void ragGeneration(String outcome, int tokens) {
        ragGenerations.labelValues(outcome).inc();
        if (tokens > 0) {
            ragGeneratedTokens.inc(tokens);
        }
    }

    /** Generations that ended with this outcome so far (tests). */
    public double ragGenerations(String outcome) {
        return ragGenerations.labelValues(outcome).get();
    }

    public void ragStage(String stage, double seconds) {
        ragStageDuration.labelValues(stage).observe(seconds);
    }

    public void taskSubmitted(String kind, String outcome) {
        tasksSubmitted.labelValues(kind, outcome).inc();
    }

    public void taskFinished(String kind, String status, double seconds) {
        tasksFinished.labelValues(kind, status).inc();
        taskDuration.labelValues(kind).observe(seconds);
    }

    public void taskClaimed(String kind, boolean redelivered) {
        tasksClaimed.labelValues(kind, Boolean.toString(redelivered)).inc();
    }

    public void taskHandedBack(String kind) {
        tasksHandedBack.labelValues(kind).inc();
    }

    public void mlflowLogged(String kind, double seconds) {
        mlflowRecords.labelValues(kind, "logged").inc();
        mlflowWriteDuration.observe(seconds);
    }

    public void mlflowRejected(String kind) {
        mlflowRecords.labelValues(kind, "rejected").inc();
    }

    public void mlflowDropped(String reason, int runs) {
        mlflowDropped.labelValues(reason).inc(runs);
    }

    public void mlflowArtifactsDropped(String reason, int artifacts) {
        mlflowArtifactsDropped.labelValues(reason).inc(artifacts);
    }

    public void mlflowWriteFailed() {
        mlflowFailures.inc();
    }

    /** Registers a gauge read at scrape time, e.g. the task queue depth. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /**
     * The Prometheus text exposition (format 0.0.4) of every meter, written on a platform thread of
     * its own. The client's text writer wraps the output in a {@code new BufferedWriter(...)}, and on a
     * virtual thread JDK 25's BufferedWriter starts at 512 chars and grows to exactly the size each
     * write needs, up to 8192: a 23-35 KB scrape copied its buffer hundreds of times, 6-7 MB of
     * garbage per scrape and more than one young collection each (async-profiler's allocation
     * profile; {@code -Xlog:gc}: 2,913 collections in 1,592 scrapes). On a platform thread the buffer
     * starts at 8192 chars. Scrapes are rare (one per Prometheus interval), so one thread serves them in turn.
     */
    public byte[] scrape() {
        if (!Thread.currentThread().isVirtual()) {
            return write();
        }
        try {
            return CompletableFuture.supplyAsync(this::write, SCRAPE_THREAD).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private byte[] write() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
