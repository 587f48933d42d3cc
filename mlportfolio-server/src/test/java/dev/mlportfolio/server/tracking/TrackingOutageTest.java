package dev.mlportfolio.server.tracking;

import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.core.tracking.RunSearch;
import dev.mlportfolio.core.tracking.TrackedRun;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.detection.LoadedDetector;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MLflow stops in the middle: requests still succeed, and every run arrives once it is back. */
@ServerTest
class TrackingOutageTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static MlflowTestServer mlflow;
    private static Application app;
    private final Http1Client client;

    TrackingOutageTest(Http1Client client) {
        this.client = client;
    }

    private static String skipped;

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        // Without MLflow the server starts without routes and each test skips with the reason.
        skipped = SkipEachTest.skipReason(() -> {
            try {
                mlflow = MlflowTestServer.start(Files.createTempDirectory("mlflow-outage"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ServerSettings settings = TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(),
                    "MLFLOW_TRACKING_URI", mlflow.uri(), "MLFLOW_HTTP_REQUEST_TIMEOUT", "5");
            app = Application.builder(settings)
                    .detector(LoadedDetector.of(CutlerDetector.open(LoadedDetector.options(settings))))
                    .rag(TestSupport.sampleRag())
                    .trackerSettings(AsyncTracker.Settings.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(500)))
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

    @Test
    void requestsSucceedWhileMlflowIsDownAndEveryRunArrivesLater() throws Exception {
        predict("before-0");
        assertTrue(app.tracking().flush(Duration.ofSeconds(60)));
        TrackingRoutesTest.waitForRegistration(client);

        mlflow.stop();
        List<String> ids = new ArrayList<>(List.of("before-0"));
        for (int i = 0; i < 6; i++) {
            ids.add(predict("during-" + i));
        }
        for (int i = 0; i < 4; i++) {
            try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.create("X-Request-Id"), "rag-" + i)
                    .header(HeaderNames.CONTENT_TYPE, "application/json").submit("{\"query\": \"Where did she study?\"}")) {
                assertEquals(Status.OK_200, res.status(), "a RAG query does not wait for MLflow");
            }
        }
        try (Http1ClientResponse res = client.get("/mlflow/runs").request()) {
            assertEquals(Status.SERVICE_UNAVAILABLE_503, res.status());
            assertEquals("mlflow_unreachable", json(res).get("error").asText());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode health;
        do {
            try (Http1ClientResponse res = client.get("/health").request()) {
                assertEquals(Status.OK_200, res.status(), "MLflow being down does not make the server unhealthy");
                health = json(res).get("services").get("mlflow");
            }
            assertTrue(System.nanoTime() < deadline, "health never showed MLflow down");
            Thread.sleep(20);
        } while (!health.get("status").asText().equals("down"));
        assertTrue(health.get("details").get("backlog").asInt() > 0);

        mlflow.start();
        assertTrue(app.tracking().flush(Duration.ofSeconds(60)), "not written after MLflow came back: "
                + app.tracking().status());
        try (Http1ClientResponse res = client.get("/health").request()) {
            assertEquals("up", json(res).get("services").get("mlflow").get("status").asText());
        }
        try (MlflowBackend reader = MlflowBackend.connect(MlflowConnection.of(mlflow.uri()))) {
            List<TrackedRun> predictions = reader.searchRuns(new RunSearch("cutler_model", null, List.of(), 100)).stream()
                    .filter(r -> r.runName().equals("cutler-prediction")).toList();
            assertEquals(ids.stream().sorted().toList(),
                    predictions.stream().map(r -> r.tags().get("request_id")).sorted().toList());
            assertTrue(predictions.stream().allMatch(r -> r.status().equals("FINISHED")));
            TrackedRun during = predictions.stream().filter(r -> r.tags().get("request_id").equals("during-3")).findFirst()
                    .orElseThrow();
            assertTrue(reader.downloadArtifact(during.runId(), "prediction/overlay.jpg").length > 0);
            assertEquals(4, reader.searchRuns(new RunSearch("resume_rag", null, List.of(), 100)).size());
        }
        assertEquals(0, app.tracking().status().orElseThrow().dropped());
        try (Http1ClientResponse res = client.get("/metrics").request()) {
            String text = res.as(String.class);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("mlflow_write_failures_total ") && !l.endsWith(" 0.0")), text);
        }
    }

    private String predict(String requestId) {
        try (Http1ClientResponse res = client.post("/process-image").header(HeaderNames.create("X-Request-Id"), requestId)
                .header(HeaderNames.CONTENT_TYPE, "image/png").submit(Scenes.png(Scenes.draw(320, 240, Scenes.rects(Scenes.FOUR, 320, 240))))) {
            assertEquals(Status.OK_200, res.status(), "a prediction does not wait for MLflow");
        }
        return requestId;
    }
}
