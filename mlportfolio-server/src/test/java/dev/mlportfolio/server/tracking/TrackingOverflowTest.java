package dev.mlportfolio.server.tracking;

import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.testing.LocalPorts;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.core.tracking.TrackerStatus;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Without the spool ({@code MLFLOW_SPOOL_DIR=off}), with MLflow unreachable and a small queue,
 * requests still succeed and the lost runs are counted.
 */
@ServerTest
class TrackingOverflowTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static final int QUEUE = 3;
    private static Application app;
    private final Http1Client client;

    TrackingOverflowTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        int closedPort = LocalPorts.free();
        ServerSettings settings = TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(),
                "MLFLOW_TRACKING_URI", "http://127.0.0.1:" + closedPort, "MLFLOW_QUEUE_SIZE", Integer.toString(QUEUE), "MLFLOW_SPOOL_DIR", "off",
                "SHUTDOWN_GRACE_PERIOD", "1");
        app = Application.builder(settings)
                .detector(LoadedDetector.of(CutlerDetector.open(LoadedDetector.options(settings))))
                .trackerSettings(AsyncTracker.Settings.defaults().withWriters(1)
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)))
                .build();
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void overflowIsCountedAndNoRequestFails() {
        int sent = 10;
        for (int i = 0; i < sent; i++) {
            try (Http1ClientResponse res = client.post("/process-image").queryParam("return_image", "false")
                    .header(HeaderNames.CONTENT_TYPE, "image/png").submit(Scenes.png(Scenes.draw(64, 48, List.of())))) {
                assertEquals(Status.OK_200, res.status());
            }
        }
        TrackerStatus status = app.tracking().status().orElseThrow();
        // One run is held by the writer (retrying), at most QUEUE wait; the rest were pushed out.
        assertTrue(status.backlog() <= QUEUE + 1, "backlog " + status.backlog());
        assertEquals(sent - status.backlog(), status.dropped());
        try (Http1ClientResponse res = client.get("/metrics").request()) {
            String text = res.as(String.class);
            assertTrue(text.contains("mlflow_records_dropped_total{reason=\"queue_full\"} " + (double) status.dropped()), text);
        }
        try (Http1ClientResponse res = client.get("/health").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("down", json(res).get("services").get("mlflow").get("status").asText());
        }
        try (Http1ClientResponse res = client.get("/model/info").request()) {
            assertEquals("pending", json(res).get("registered_model").get("status").asText());
        }
    }
}
