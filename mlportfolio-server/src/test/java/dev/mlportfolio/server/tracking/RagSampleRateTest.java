package dev.mlportfolio.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.tracking.RunSearch;
import dev.mlportfolio.core.tracking.TrackingBackend;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code MLFLOW_RAG_SAMPLE_RATE=0}: questions make no runs at all, predictions still do. */
class RagSampleRateTest {
    @Test
    void questionsAreNotLoggedAtRateZeroWhilePredictionsAre() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String predictions = "sampled-predictions-" + suffix;
        String rag = "sampled-rag-" + suffix;
        HttpClient http = HttpClient.newHttpClient();
        try (LiveServer live = LiveServer.start(Application.builder(TestSupport.settings(
                        "MLFLOW_TRACKING_URI", MlflowTestServer.sharedUri(), "MLFLOW_EXPERIMENT_NAME", predictions,
                        "MLFLOW_RAG_EXPERIMENT_NAME", rag, "MLFLOW_RAG_SAMPLE_RATE", "0",
                        "MODEL_PATH", System.getProperty("mlportfolio.testModel")))
                .rag(TestSupport.sampleRag()).build())) {
            String base = "http://localhost:" + live.port();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/rag/query"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Where did she study?\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode());
            }
            HttpResponse<String> detected = http.send(HttpRequest.newBuilder(URI.create(base + "/process-image?return_image=false"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(TestSupport.image("png", 64, 48)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, detected.statusCode());
            assertTrue(live.app().tracking().flush(Duration.ofSeconds(60)));

            TrackingBackend mlflow = live.app().tracking().reader().orElseThrow();
            assertTrue(mlflow.experimentId(rag, false).isEmpty(), "not one question was logged");
            assertEquals(1, mlflow.searchRuns(new RunSearch(predictions, null, List.of(), 10)).stream()
                    .filter(r -> r.runName().equals("cutler-prediction")).count(), "the prediction was logged");
        }
    }
}
