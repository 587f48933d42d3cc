package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.server.TestSupport.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What clients see while the server shuts down: not ready, no new tasks, accepted tasks still finish. */
@ServerTest
class DrainTest {
    private static final DecodingAnalyzer ANALYZER = new DecodingAnalyzer();
    private static Application app;
    private final Http1Client client;

    DrainTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Application.builder(TestSupport.settings("TASK_WORKERS", "1", "SHUTDOWN_GRACE_PERIOD", "20"))
                .imageAnalyzer(ANALYZER)
                .build();
        app.configure(server);
    }

    @Test
    void drainingStopsNewWorkAndFinishesAcceptedWork() throws Exception {
        ANALYZER.hold();
        String running = submit();
        String waiting = submit();

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(app::drain);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (app.ready() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        try (Http1ClientResponse res = client.get("/health/ready").request()) {
            assertEquals(Status.SERVICE_UNAVAILABLE_503, res.status());
            assertEquals("draining", json(res).get("status").asText());
        }
        try (Http1ClientResponse res = client.get("/health").request()) {
            assertEquals(Status.SERVICE_UNAVAILABLE_503, res.status());
            var body = json(res);
            assertEquals("unhealthy", body.get("status").asText());
            assertEquals("down", body.get("services").get("tasks").get("status").asText());
        }
        try (Http1ClientResponse res = client.post("/process-image/async").queryParam("mode", "block")
                .header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("a.png", "image/png", TestSupport.image("png", 3, 3)))) {
            assertError(res, Status.SERVICE_UNAVAILABLE_503, "shutting_down");
        }

        ANALYZER.release();
        assertTrue(drained.get(), "everything accepted finished within the grace period");
        for (String location : new String[] {running, waiting}) {
            try (Http1ClientResponse res = client.get(location).request()) {
                assertEquals("completed", json(res).get("status").asText(), location);
            }
        }
    }

    private String submit() {
        try (Http1ClientResponse res = client.post("/process-image/async").queryParam("mode", "block")
                .header(HeaderNames.CONTENT_TYPE, Multipart.CONTENT_TYPE)
                .submit(Multipart.file("a.png", "image/png", TestSupport.image("png", 3, 3)))) {
            assertEquals(Status.ACCEPTED_202, res.status());
            return res.headers().first(HeaderNames.LOCATION).orElseThrow();
        }
    }
}
