package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.TestSupport.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /process-image/async} and {@code GET /task/{task_id}}: one worker and a queue of two, to make 429 reachable. */
@ServerTest
class AsyncTasksTest {
    private static final DecodingAnalyzer ANALYZER = new DecodingAnalyzer();
    private static Application app;
    private final Http1Client client;

    AsyncTasksTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Application.builder(TestSupport.settings("TASK_WORKERS", "1", "TASK_QUEUE_SIZE", "2"))
                .imageAnalyzer(ANALYZER)
                .build();
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        ANALYZER.release();
        app.close();
    }

    @AfterEach
    void releaseAndSettle() throws InterruptedException {
        ANALYZER.release();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((app.tasks().queued() > 0 || app.tasks().running() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void acceptedTaskCompletesWithTheResult() throws InterruptedException {
        String location;
        try (Http1ClientResponse res = submit("decode")) {
            assertEquals(Status.ACCEPTED_202, res.status());
            JsonNode body = json(res);
            assertEquals("queued", body.get("status").asText());
            location = res.headers().first(HeaderNames.LOCATION).orElseThrow();
            assertEquals("/task/" + body.get("task_id").asText(), location);
        }
        JsonNode task = awaitFinished(location);
        assertEquals("completed", task.get("status").asText());
        assertEquals(20, task.get("result").get("width").asInt());
        assertEquals(10, task.get("result").get("height").asInt());
        assertTrue(task.get("error").isNull());
        assertTrue(task.get("created_at").asText().endsWith("Z"));
        assertTrue(task.get("finished_at").asText().endsWith("Z"));
        assertEquals("process_image", task.get("kind").asText());
    }

    @Test
    void statusMovesFromQueuedThroughProcessing() throws InterruptedException {
        ANALYZER.hold();
        String first = location(submit("block"));
        String second = location(submit("block"));
        assertEquals("processing", awaitStatus(first, "processing"));
        assertEquals("queued", statusOf(second), "one worker: the second waits");
        ANALYZER.release();
        assertEquals("completed", awaitFinished(first).get("status").asText());
        assertEquals("completed", awaitFinished(second).get("status").asText());
    }

    @Test
    void failingWorkEndsAsFailedWithAMessage() throws InterruptedException {
        JsonNode task = awaitFinished(location(submit("fail")));
        assertEquals("failed", task.get("status").asText());
        assertEquals("the analyzer refused this image", task.get("error").asText());
        assertTrue(task.get("result").isNull());
    }

    @Test
    void badOptionsAreRefusedBeforeATaskExists() {
        try (Http1ClientResponse res = submit("no-such-mode")) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_parameter");
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws InterruptedException {
        ANALYZER.hold();
        List<String> accepted = new ArrayList<>();
        accepted.add(location(submit("block")));
        awaitStatus(accepted.get(0), "processing");
        accepted.add(location(submit("block")));
        accepted.add(location(submit("block")));
        try (Http1ClientResponse res = submit("block")) {
            JsonNode body = assertError(res, Status.TOO_MANY_REQUESTS_429, "queue_full");
            long retryAfter = Long.parseLong(res.headers().first(HeaderNames.RETRY_AFTER).orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 300, "Retry-After " + retryAfter);
            assertTrue(body.get("message").asText().contains("full"));
        }
        ANALYZER.release();
        for (String location : accepted) {
            assertEquals("completed", awaitFinished(location).get("status").asText(), "nothing accepted is lost");
        }
        String metrics = client.get("/metrics").request(String.class).entity();
        assertTrue(metrics.contains("tasks_submitted_total{kind=\"process_image\",outcome=\"rejected_full\"}"), metrics);
        assertTrue(metrics.contains("http_requests_total{endpoint=\"/process-image/async\",method=\"POST\",status=\"429\"}"));
    }

    private Http1ClientResponse submit(String mode) {
        return client.post("/process-image/async").queryParam("mode", mode)
                .header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("a.png", "image/png", TestSupport.image("png", 20, 10)));
    }

    private static String location(Http1ClientResponse res) {
        try (res) {
            assertEquals(Status.ACCEPTED_202, res.status(), () -> res.as(String.class));
            return res.headers().first(HeaderNames.LOCATION).orElseThrow();
        }
    }

    private String statusOf(String location) {
        try (Http1ClientResponse res = client.get(location).request()) {
            assertEquals(Status.OK_200, res.status());
            return json(res).get("status").asText();
        }
    }

    private String awaitStatus(String location, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = statusOf(location);
        while (!status.equals(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            status = statusOf(location);
        }
        return status;
    }

    private JsonNode awaitFinished(String location) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Http1ClientResponse res = client.get(location).request()) {
                JsonNode task = json(res);
                String status = task.get("status").asText();
                if (status.equals("completed") || status.equals("failed")) {
                    return task;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("task " + location + " did not finish");
    }
}
