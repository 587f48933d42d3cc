package dev.mlportfolio.core.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionTag;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;

/**
 * {@link TrackingBackend} for an MLflow tracking server: runs, params, metrics and the registry
 * through {@code org.mlflow:mlflow-client}, artifacts through the server's {@code mlflow-artifacts}
 * HTTP API (the client's own artifact calls start a Python process, which a JVM service cannot rely on).
 */
public final class MlflowBackend implements TrackingBackend {
    // MLflow's log-batch limits per call.
    static final int MAX_PARAMS_PER_BATCH = 100;
    static final int MAX_ENTRIES_PER_BATCH = 1000;
    private static final String ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowConnection connection;
    private final MlflowClient client;
    private final HttpClient http;
    private final Map<String, String> experimentIds = new ConcurrentHashMap<>();

    private MlflowBackend(MlflowConnection connection) {
        this.connection = connection;
        this.client = MlflowClients.create(connection);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connection.timeout())
                .build();
    }

    /**
     * A backend on an MLflow server. Makes no call yet: a server that is down now is tried again by each call.
     *
     * @param connection where the server is and how to sign in
     * @return the backend, to be closed (an {@link AsyncTracker} given it closes it)
     */
    public static MlflowBackend connect(MlflowConnection connection) {
        return new MlflowBackend(connection);
    }

    @Override
    public String location() {
        return connection.displayUri();              // for messages and answers: never the credentials
    }

    @Override
    public void ping() {
        send("answer /health", request(URI.create(location() + "/health"), connection.timeout()).GET().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Override
    public Optional<String> experimentId(String name, boolean create) {
        String known = experimentIds.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Experiment> found = call("look up experiment " + name, () -> client.getExperimentByName(name));
        String id;
        if (found.isPresent()) {
            if ("deleted".equals(found.get().getLifecycleStage())) {
                throw new TrackingException(TrackingException.Kind.REJECTED, "MLflow experiment '" + name
                        + "' is deleted; restore it or choose another name");
            }
            id = found.get().getExperimentId();
        } else if (!create) {
            return Optional.empty();
        } else {
            try {
                id = call("create experiment " + name, () -> client.createExperiment(name));
            } catch (TrackingException e) {
                // Another writer may have created it between our lookup and create.
                id = call("look up experiment " + name, () -> client.getExperimentByName(name))
                        .map(Experiment::getExperimentId).orElseThrow(() -> e);
            }
        }
        experimentIds.put(name, id);
        return Optional.of(id);
    }

    @Override
    public StartedRun startRun(String experimentId, RunRecord run, String key) {
        CreateRun.Builder request = CreateRun.newBuilder()
                .setExperimentId(experimentId)
                .setRunName(run.runName())
                .setStartTime(run.startTime().toEpochMilli());
        run.tags().forEach((k, v) -> request.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
        request.addTags(RunTag.newBuilder().setKey(RUN_KEY_TAG).setValue(key));
        RunInfo info = call("create a run", () -> client.createRun(request.build()));
        return new StartedRun(info.getRunId(), info.getArtifactUri());
    }

    @Override
    public Optional<StartedRun> findRun(String experimentId, String key) {
        if (!key.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("a run key is letters, digits and dashes");
        }
        List<Run> runs = call("find a run by its key", () -> client.searchRuns(List.of(experimentId),
                "tags.`" + RUN_KEY_TAG + "` = '" + key + "'", ViewType.ACTIVE_ONLY, 1, new ArrayList<>()).getItems());
        return runs.stream().findFirst().map(r -> new StartedRun(r.getInfo().getRunId(), r.getInfo().getArtifactUri(),
                r.getInfo().getStatus() != RunStatus.RUNNING && r.getInfo().getStatus() != RunStatus.SCHEDULED));
    }

    @Override
    public void logData(StartedRun run, RunRecord record) {
        long timestamp = record.endTime().toEpochMilli();
        List<Param> params = new ArrayList<>();
        record.params().forEach((k, v) -> params.add(Param.newBuilder().setKey(k).setValue(v).build()));
        List<Metric> metrics = new ArrayList<>();
        record.metrics().forEach((k, v) -> metrics.add(Metric.newBuilder().setKey(k).setValue(v)
                .setTimestamp(timestamp).setStep(0).build()));
        int p = 0;
        int m = 0;
        while (p < params.size() || m < metrics.size()) {
            int paramCount = Math.min(MAX_PARAMS_PER_BATCH, params.size() - p);
            int metricCount = Math.min(MAX_ENTRIES_PER_BATCH - paramCount, metrics.size() - m);
            List<Param> paramBatch = params.subList(p, p + paramCount);
            List<Metric> metricBatch = metrics.subList(m, m + metricCount);
            call("log params and metrics", () -> {
                client.logBatch(run.runId(), metricBatch, paramBatch, null);
                return null;
            });
            p += paramCount;
            m += metricCount;
        }
    }

    @Override
    public void uploadArtifact(StartedRun run, RunArtifact artifact) {
        put("upload artifact " + artifact.path(), artifactUrl(run.artifactUri(), artifact.path()), artifact.contentType(),
                HttpRequest.BodyPublishers.ofByteArray(artifact.content()), connection.timeout());
    }

    @Override
    public void setTag(StartedRun run, String key, String value) {
        call("tag the run", () -> {
            client.setTag(run.runId(), key, value);
            return null;
        });
    }

    @Override
    public void finishRun(StartedRun run, RunRecord record) {
        RunStatus status = record.outcome() == RunOutcome.FINISHED ? RunStatus.FINISHED : RunStatus.FAILED;
        call("end the run", () -> {
            client.setTerminated(run.runId(), status, record.endTime().toEpochMilli());
            return null;
        });
    }

    @Override
    public List<TrackedRun> searchRuns(RunSearch search) {
        String experimentId = experimentId(search.experiment(), false).orElseThrow(() -> new TrackingException(
                TrackingException.Kind.NOT_FOUND, "MLflow has no experiment named '" + search.experiment() + "'"));
        String filter = search.filter() == null || search.filter().isBlank() ? null : search.filter();
        List<Run> runs = call("search runs", () -> client.searchRuns(List.of(experimentId), filter,
                ViewType.ACTIVE_ONLY, search.maxResults(), new ArrayList<>(search.orderBy())).getItems());
        List<TrackedRun> result = new ArrayList<>(runs.size());
        for (Run run : runs) {
            result.add(toTrackedRun(run));
        }
        return result;
    }

    @Override
    public RegisteredModelVersion registerModel(ModelRegistration model) {
        ensureRegisteredModel(model);
        Optional<ModelVersion> existing = versionWithSha(model.name(), model.sha256());
        if (existing.isPresent()) {
            ModelVersion v = existing.get();
            return new RegisteredModelVersion(v.getName(), v.getVersion(), v.getSource(), v.getRunId(), false);
        }
        String experimentId = experimentId(model.experiment(), true).orElseThrow();
        String fileName = model.file().getFileName().toString();
        long bytes = size(model);
        RunRecord record = RunRecord.builder(model.experiment(), "register-" + model.name() + "-" + model.sha256().substring(0, 12))
                .param("model_name", model.name())
                .param("model_file", fileName)
                .param("model_sha256", model.sha256())
                .param("model_size_bytes", bytes)
                .tag("mlportfolio.kind", "model_registration")
                .build();
        StartedRun run = startRun(experimentId, record, java.util.UUID.randomUUID().toString());
        logData(run, record);
        uploadFile(run, "model/" + RunArtifact.checkPath(safeName(fileName)), model, bytes);
        finishRun(run, record);

        ObjectNode body = JSON.createObjectNode()
                .put("name", model.name())
                .put("source", run.artifactUri() + "/model")
                .put("run_id", run.runId());
        if (model.description() != null) {
            body.put("description", model.description());
        }
        ArrayNode tags = body.putArray("tags");
        tags.addObject().put("key", ModelRegistration.SHA256_TAG).put("value", model.sha256());
        model.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        JsonNode created = json(call("create a model version", () -> client.sendPost("model-versions/create",
                body.toString()))).path("model_version");
        return new RegisteredModelVersion(created.path("name").asText(model.name()), created.path("version").asText(),
                created.path("source").asText(), run.runId(), true);
    }

    @Override
    public byte[] downloadArtifact(String runId, String path) {
        String artifactUri = call("look up run " + runId, () -> client.getRun(runId)).getInfo().getArtifactUri();
        HttpRequest request = request(artifactUrl(artifactUri, RunArtifact.checkPath(path)), connection.timeout()).GET().build();
        return send("download artifact " + path, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        client.close();
        http.close();
    }

    private void ensureRegisteredModel(ModelRegistration model) {
        String query = "registered-models/get?name=" + URLEncoder.encode(model.name(), StandardCharsets.UTF_8);
        try {
            call("look up registered model " + model.name(), () -> client.sendGet(query));
            return;
        } catch (TrackingException e) {
            if (e.kind() != TrackingException.Kind.NOT_FOUND) {
                throw e;
            }
        }
        ObjectNode body = JSON.createObjectNode().put("name", model.name());
        try {
            call("create registered model " + model.name(), () -> client.sendPost("registered-models/create", body.toString()));
        } catch (TrackingException e) {
            if (!e.getMessage().contains("RESOURCE_ALREADY_EXISTS")) {
                throw e;
            }
        }
    }

    private Optional<ModelVersion> versionWithSha(String name, String sha256) {
        String filter = "name='" + name.replace("'", "\\'") + "'";
        ModelVersionsPage page = call("search model versions", () -> client.searchModelVersions(filter, 200, new ArrayList<>()));
        while (true) {
            for (ModelVersion version : page.getItems()) {
                for (ModelVersionTag tag : version.getTagsList()) {
                    if (tag.getKey().equals(ModelRegistration.SHA256_TAG) && tag.getValue().equals(sha256)) {
                        return Optional.of(version);
                    }
                }
            }
            if (!page.hasNextPage()) {
                return Optional.empty();
            }
            ModelVersionsPage current = page;
            page = call("search model versions", () -> (ModelVersionsPage) current.getNextPage());
        }
    }

    private void uploadFile(StartedRun run, String path, ModelRegistration model, long bytes) {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(model.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + model.file(), e);
        }
        // A large model file gets a second more per MiB on top of the call timeout.
        put("upload model file", artifactUrl(run.artifactUri(), path), "application/octet-stream", body,
                connection.timeout().plusSeconds(bytes >> 20));
    }

    private static long size(ModelRegistration model) {
        try {
            return Files.size(model.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + model.file(), e);
        }
    }

    private static String safeName(String fileName) {
        return fileName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Maps a run's {@code mlflow-artifacts:} root to the server's upload and download URL. */
    URI artifactUrl(String artifactUri, String path) {
        URI root = URI.create(artifactUri);
        if (!"mlflow-artifacts".equals(root.getScheme())) {
            throw new TrackingException(TrackingException.Kind.REJECTED, "the run's artifacts go to " + artifactUri
                    + ", which only the server can write; start the MLflow server with --serve-artifacts so "
                    + "artifacts are proxied over HTTP");
        }
        URI tracking = connection.trackingUri();
        String base = root.getAuthority() != null ? tracking.getScheme() + "://" + root.getAuthority() : tracking.toString();
        String rootPath = root.getPath().endsWith("/") ? root.getPath() : root.getPath() + "/";
        return URI.create(base + ARTIFACTS_API + rootPath + path);
    }

    /** A request to the tracking server, signed in the same way as the client's calls. */
    private HttpRequest.Builder request(URI url, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(timeout);
        String authorization = connection.authorization();
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private void put(String what, URI url, String contentType, HttpRequest.BodyPublisher body, Duration timeout) {
        send(what, request(url, timeout).header("Content-Type", contentType).PUT(body).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private <T> T send(String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        HttpResponse<T> response;
        try {
            response = http.send(request, handler);
        } catch (IOException e) {
            throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "MLflow at " + location()
                    + " did not answer (" + what + "): " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "interrupted: " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            Object body = response.body();
            String detail = body instanceof byte[] bytes ? new String(bytes, 0, Math.min(bytes.length, 300),
                    StandardCharsets.UTF_8) : "";
            throw new TrackingException(kindOf(status, detail), "MLflow could not " + what + ": HTTP " + status
                    + (detail.isEmpty() ? "" : " " + detail));
        }
        return response.body();
    }

    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (MlflowHttpException e) {
            String body = e.getBodyMessage() == null ? "" : e.getBodyMessage();
            throw new TrackingException(kindOf(e.getStatusCode(), body), "MLflow could not " + what + ": HTTP "
                    + e.getStatusCode() + " " + errorMessage(body), e);
        } catch (MlflowClientException e) {
            throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "MLflow at " + location()
                    + " did not answer (" + what + "): " + describe(e), e);
        } catch (TrackingException e) {
            throw e;
        } catch (RuntimeException e) {
            // An answer the client could not read, e.g. an HTML page from a proxy in front of MLflow.
            throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "MLflow at " + location()
                    + " gave an answer the client could not read (" + what + "): " + describe(e), e);
        }
    }

    private static TrackingException.Kind kindOf(int status, String body) {
        if (status == 404 || body.contains("RESOURCE_DOES_NOT_EXIST")) {
            return TrackingException.Kind.NOT_FOUND;
        }
        // Sign-in problems are kept and retried: they are fixed by configuration, not by dropping records.
        if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500) {
            return TrackingException.Kind.UNAVAILABLE;
        }
        return TrackingException.Kind.REJECTED;
    }

    /** MLflow's {@code {"error_code": ..., "message": ...}} as one line. */
    static String errorMessage(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.has("message")) {
                return node.path("error_code").asText("") + ": " + node.path("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON; show it as it is
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        if (root instanceof HttpTimeoutException || root instanceof java.net.SocketTimeoutException) {
            return "timed out";
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new TrackingException(TrackingException.Kind.UNAVAILABLE, "MLflow's answer is not JSON: " + text, e);
        }
    }

    private static TrackedRun toTrackedRun(Run run) {
        RunInfo info = run.getInfo();
        Map<String, String> params = new HashMap<>();
        run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
        Map<String, Double> metrics = new HashMap<>();
        run.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getValue()));
        Map<String, String> tags = new HashMap<>();
        run.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
        String runName = info.getRunName().isEmpty() ? tags.get("mlflow.runName") : info.getRunName();
        return new TrackedRun(info.getRunId(), runName, info.getExperimentId(), info.getStatus().name(),
                Instant.ofEpochMilli(info.getStartTime()), info.getEndTime() > 0 ? Instant.ofEpochMilli(info.getEndTime()) : null,
                info.getArtifactUri(), params, metrics, tags);
    }
}
