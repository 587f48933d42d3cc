package dev.mlportfolio.server.tracking;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.detection.LoadedDetector;
import dev.mlportfolio.server.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Predictions and RAG queries become MLflow runs on a real MLflow server; {@code /mlflow/runs} reads them back. */
@ServerTest
class TrackingRoutesTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String EXPERIMENT = "predictions-" + SUFFIX;
    private static final String RAG_EXPERIMENT = "rag-" + SUFFIX;
    private static final String MODEL_NAME = "cutler-" + SUFFIX;
    private static Application app;
    private static ServerSettings settings;
    private static MlflowBackend mlflow;
    private final Http1Client client;

    TrackingRoutesTest(Http1Client client) {
        this.client = client;
    }

    private static String skipped;

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        // Without MLflow the server starts without routes and each test skips with the reason.
        skipped = SkipEachTest.skipReason(() -> {
            String uri = MlflowTestServer.sharedUri();
            mlflow = MlflowBackend.connect(MlflowConnection.of(uri));
            settings = TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(), "MLFLOW_TRACKING_URI", uri,
                    "MLFLOW_EXPERIMENT_NAME", EXPERIMENT, "MLFLOW_RAG_EXPERIMENT_NAME", RAG_EXPERIMENT,
                    "MLFLOW_REGISTERED_MODEL_NAME", MODEL_NAME);
            app = Application.builder(settings)
                    .detector(LoadedDetector.of(CutlerDetector.open(LoadedDetector.options(settings))))
                    .rag(TestSupport.sampleRag())
                    .build();
            app.configure(server);
        });
    }

    @BeforeEach
    void requireMlflow() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    static void stop() {
        // Both null when set-up skipped the class (no MLflow on this machine).
        if (app != null) {
            app.close();
        }
        if (mlflow != null) {
            mlflow.close();
        }
    }

    private void flush() {
        assertTrue(app.tracking().flush(Duration.ofSeconds(60)), "runs not written: " + app.tracking().status());
    }

    /** GET /mlflow/runs with query parameters given as name, value pairs. */
    private JsonNode runs(String... query) {
        try (Http1ClientResponse res = search(query)) {
            assertEquals(Status.OK_200, res.status(), "GET /mlflow/runs " + List.of(query));
            return json(res);
        }
    }

    private Http1ClientResponse search(String... query) {
        var request = client.get("/mlflow/runs");
        for (int i = 0; i < query.length; i += 2) {
            request.queryParam(query[i], query[i + 1]);
        }
        return request.request();
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aPredictionBecomesARunWithParamsMetricsTagsAndArtifacts() throws Exception {
        int w = 1200;
        int h = 800;
        byte[] png = Scenes.png(Scenes.draw(w, h, Scenes.rects(Scenes.FOUR, w, h)));
        JsonNode answer;
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.create("X-Request-Id"), "track-sync-1")
                .header(HeaderNames.CONTENT_TYPE, "image/png").submit(png)) {
            assertEquals(Status.OK_200, res.status());
            answer = json(res);
        }
        flush();

        JsonNode body = runs("filter", "tags.request_id = 'track-sync-1'");
        assertEquals(EXPERIMENT, body.get("experiment").asText());
        assertEquals(1, body.get("count").asInt());
        JsonNode run = body.get("runs").get(0);
        assertEquals("cutler-prediction", run.get("run_name").asText());
        assertEquals("FINISHED", run.get("status").asText());
        assertNotNull(run.get("start_time").asText());
        JsonNode params = run.get("params");
        assertEquals("cutler", params.get("model_name").asText());
        assertEquals(sha256(TEST_MODEL), params.get("model_sha256").asText());
        assertEquals("cpu", params.get("execution_provider").asText());
        assertEquals("0.35", params.get("confidence_threshold").asText());
        assertEquals("1200", params.get("image_width").asText());
        assertEquals("800", params.get("image_height").asText());
        assertEquals("png", params.get("image_format").asText());
        JsonNode metrics = run.get("metrics");
        assertEquals(4, metrics.get("num_instances_detected").asInt());
        assertEquals(png.length, metrics.get("image_size_bytes").asLong());
        assertEquals(answer.get("processing_time").asDouble() * 1000, metrics.get("prediction_time_ms").asDouble(), 1e-6);
        assertEquals(4 / answer.get("processing_time").asDouble(), metrics.get("throughput_instances_per_second").asDouble(), 1e-6);
        for (String stage : List.of("decode", "preprocess", "inference", "postprocess", "overlay")) {
            assertEquals(answer.get("timings_ms").get(stage).asDouble(), metrics.get(stage + "_time_ms").asDouble(), 1e-9, stage);
        }
        JsonNode tags = run.get("tags");
        assertEquals("sync", tags.get("mode").asText());
        assertFalse(tags.has("task_id"));

        String runId = run.get("run_id").asText();
        assertArrayEquals(Base64.getDecoder().decode(answer.get("image").asText()),
                mlflow.downloadArtifact(runId, "prediction/overlay.jpg"), "the overlay comes back byte for byte");
        JsonNode instances = Json.MAPPER.readTree(mlflow.downloadArtifact(runId, "prediction/instances.json"));
        assertEquals(answer.get("instances"), instances);
    }

    @Test
    void anAsyncPredictionIsTaggedWithItsTask() throws Exception {
        String taskId;
        try (Http1ClientResponse res = client.post("/process-image/async").queryParam("return_image", "false")
                .header(HeaderNames.CONTENT_TYPE, "image/png").submit(Scenes.png(Scenes.draw(300, 200, List.of())))) {
            assertEquals(Status.ACCEPTED_202, res.status());
            taskId = json(res).get("task_id").asText();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Http1ClientResponse res = client.get("/task/" + taskId).request()) {
                if (json(res).get("status").asText().equals("completed")) {
                    break;
                }
            }
            assertTrue(System.nanoTime() < deadline, "task did not finish");
            Thread.sleep(20);
        }
        flush();
        JsonNode run = runs("filter", "tags.task_id = '" + taskId + "'").get("runs").get(0);
        assertEquals("async", run.get("tags").get("mode").asText());
        assertEquals("false", run.get("params").get("return_image").asText());
        assertEquals(0, run.get("metrics").get("num_instances_detected").asInt());
    }

    @Test
    void aRagQueryBecomesARunInItsOwnExperiment() {
        JsonNode answer;
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.create("X-Request-Id"), "track-rag-1")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"query\": \"Which programming languages does she know?\", \"include_metadata\": true}")) {
            assertEquals(Status.OK_200, res.status());
            answer = json(res);
        }
        flush();
        JsonNode body = runs("experiment", RAG_EXPERIMENT, "filter", "tags.request_id = 'track-rag-1'");
        assertEquals(1, body.get("count").asInt());
        JsonNode run = body.get("runs").get(0);
        assertEquals("rag-query", run.get("run_name").asText());
        assertEquals("hybrid", run.get("params").get("retrieval_mode").asText());
        assertEquals("extractive", run.get("params").get("answer_mode").asText());
        JsonNode metrics = run.get("metrics");
        assertEquals("Which programming languages does she know?".length(), metrics.get("question_length_chars").asInt());
        assertEquals(answer.get("sources").size(), metrics.get("num_sources").asInt());
        assertEquals(answer.get("metadata").get("timings_ms").get("retrieval").asDouble(),
                metrics.get("retrieval_time_ms").asDouble(), 0.001);
        assertTrue(metrics.has("generation_time_ms") && metrics.has("embedding_time_ms"));
        assertFalse(run.toString().contains("programming languages"), "the question text is not logged");
        // The prediction experiment does not see RAG runs.
        assertEquals(0, runs("filter", "tags.request_id = 'track-rag-1'").get("count").asInt());
    }

    @Test
    void theModelIsRegisteredOncePerFile() throws Exception {
        JsonNode registered = waitForRegistration(client);
        assertEquals(MODEL_NAME, registered.get("name").asText());
        assertEquals("1", registered.get("version").asText());

        // A second server with the same model file finds the version instead of making another.
        try (Application again = Application.builder(settings)
                .detector(LoadedDetector.of(CutlerDetector.open(LoadedDetector.options(settings))))
                .build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (again.tracking().registryInfo().status().equals("pending")) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(50);
            }
            assertEquals("registered", again.tracking().registryInfo().status());
            assertEquals("1", again.tracking().registryInfo().version());
        }
        String versions = mlflowGet("model-versions/search?filter=" + encode("name='" + MODEL_NAME + "'"));
        assertEquals(1, Json.MAPPER.readTree(versions).get("model_versions").size());
    }

    static JsonNode waitForRegistration(Http1Client client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Http1ClientResponse res = client.get("/model/info").request()) {
                JsonNode registered = json(res).get("registered_model");
                if (!registered.get("status").asText().equals("pending")) {
                    assertEquals("registered", registered.get("status").asText(), registered.toString());
                    return registered;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the model was not registered");
            Thread.sleep(50);
        }
    }

    private static String mlflowGet(String path) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(MlflowTestServer.sharedUri() + "/api/2.0/mlflow/" + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void runsCanBeLimitedOrderedAndFiltered() {
        for (int i = 0; i < 3; i++) {
            try (Http1ClientResponse res = client.post("/process-image").queryParam("return_image", "false")
                    .header(HeaderNames.create("X-Request-Id"), "order-" + i)
                    .header(HeaderNames.CONTENT_TYPE, "image/png").submit(Scenes.png(Scenes.draw(100 + 50 * i, 100, List.of())))) {
                assertEquals(Status.OK_200, res.status());
            }
        }
        flush();
        String filter = "tags.request_id LIKE 'order-%'";
        assertEquals(3, runs("max_results", "10", "filter", filter).get("count").asInt());
        assertEquals(2, runs("max_results", "2", "filter", filter).get("count").asInt());
        JsonNode ordered = runs("order_by", "params.image_width DESC", "filter", filter).get("runs");
        assertEquals(List.of("200", "150", "100"), List.of(ordered.get(0).get("params").get("image_width").asText(),
                ordered.get(1).get("params").get("image_width").asText(), ordered.get(2).get("params").get("image_width").asText()));
        assertEquals(0, runs("filter", "tags.request_id = 'never-sent'").get("count").asInt());
    }

    @Test
    void badSearchesAreClear400sAndUnknownExperimentsAre404() {
        for (String value : List.of("0", "1001", "ten", "-1", "")) {
            try (Http1ClientResponse res = search("max_results", value)) {
                assertTrue(assertError(res, Status.BAD_REQUEST_400, "invalid_parameter").get("message").asText()
                        .contains("max_results"), value);
            }
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").queryParam("filter", "metrics.x >>> 1").request()) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_search");
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").queryParam("filter", "x' OR '1'='1").request()) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_search");
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").queryParam("order_by", "no_such_column DESC").request()) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_search");
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").queryParam("filter", "a\u0001b").request()) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_parameter");
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").queryParam("experiment", "no-such-" + SUFFIX).request()) {
            assertError(res, Status.NOT_FOUND_404, "experiment_not_found");
        }
    }

    @Test
    void healthAndMetricsShowTracking() {
        try (Http1ClientResponse res = client.get("/health").request()) {
            JsonNode mlflowHealth = json(res).get("services").get("mlflow");
            assertEquals("up", mlflowHealth.get("status").asText(), mlflowHealth.toString());
            assertEquals(MlflowTestServer.sharedUri(), mlflowHealth.get("details").get("tracking_uri").asText());
        }
        try (Http1ClientResponse res = client.post("/process-image").queryParam("return_image", "false")
                .header(HeaderNames.CONTENT_TYPE, "image/png").submit(Scenes.png(Scenes.draw(64, 64, List.of())))) {
            assertEquals(Status.OK_200, res.status());
        }
        flush();
        try (Http1ClientResponse res = client.get("/metrics").request()) {
            String text = res.as(String.class);
            assertTrue(text.contains("mlflow_records_total{kind=\"prediction\",outcome=\"logged\"}"), text);
            assertTrue(text.contains("mlflow_queue_depth 0.0"), "queue gauge");
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
