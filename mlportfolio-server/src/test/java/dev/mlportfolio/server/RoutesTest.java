package dev.mlportfolio.server;

import static dev.mlportfolio.server.TestSupport.assertError;
import static dev.mlportfolio.server.TestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every route of the API on a server with nothing optional configured, as a fresh install starts. */
@ServerTest
class RoutesTest {
    private static Application app;
    private final Http1Client client;

    RoutesTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Application.create(TestSupport.settings());
        app.configure(server);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void rootListsTheEndpoints() {
        try (Http1ClientResponse res = client.get("/").request()) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals("mlportfolio", body.get("name").asText());
            assertEquals("development", body.get("environment").asText());
            assertFalse(body.get("version").asText().isBlank());
            for (String key : List.of("health", "metrics", "model_info", "process_image", "process_image_async",
                    "task_status", "rag_info", "rag_health", "rag_query", "mlflow_runs")) {
                assertTrue(body.get("endpoints").has(key), "endpoints has " + key);
            }
            assertEquals("/task/{task_id}", body.get("endpoints").get("task_status").asText());
        }
    }

    @Test
    void healthIsDegradedButServingWhenOptionalPartsAreMissing() {
        try (Http1ClientResponse res = client.get("/health").request()) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals("degraded", body.get("status").asText());
            assertEquals("development", body.get("environment").asText());
            assertTrue(body.get("timestamp").asText().endsWith("Z"), "ISO-8601 UTC timestamp");
            JsonNode services = body.get("services");
            assertEquals("unavailable", services.get("cutler").get("status").asText());
            assertTrue(services.get("cutler").get("message").asText().contains("models/README.md"));
            assertEquals("unavailable", services.get("rag").get("status").asText());
            assertTrue(services.get("rag").get("message").asText().contains("RAG_RESUME_PATH"));
            assertEquals("unavailable", services.get("mlflow").get("status").asText());
            assertTrue(services.get("mlflow").get("message").asText().contains("MLFLOW_TRACKING_URI"));
            assertEquals("up", services.get("tasks").get("status").asText());
            assertEquals(app.settings().tasks().queueSize(), services.get("tasks").get("details").get("queue_capacity").asInt());
        }
    }

    @Test
    void livenessAndReadinessProbes() {
        try (Http1ClientResponse res = client.get("/health/live").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("alive", json(res).get("status").asText());
        }
        try (Http1ClientResponse res = client.get("/health/ready").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("ready", json(res).get("status").asText());
        }
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() {
        try (Http1ClientResponse res = client.method(Method.HEAD).path("/health").request()) {
            assertEquals(Status.OK_200, res.status());
            assertTrue(Long.parseLong(res.headers().first(HeaderNames.CONTENT_LENGTH).orElseThrow()) > 0,
                    "the length the GET body would have");
        }
        try (Http1ClientResponse res = client.get("/health/live").request()) {
            assertEquals(Status.OK_200, res.status(), "the next request is answered normally");
        }
    }

    @Test
    void modelInfoSaysTheModelIsNotLoaded() {
        try (Http1ClientResponse res = client.get("/model/info").request()) {
            assertEquals(Status.OK_200, res.status());
            JsonNode body = json(res);
            assertEquals("cutler_cascade_final", body.get("model_name").asText(), "the default MODEL_PATH's file name");
            assertFalse(body.get("loaded").asBoolean(true));
            assertTrue(body.get("execution_provider").isNull());
            assertEquals("auto", body.get("requested_provider").asText());
            assertEquals(0.35, body.get("confidence_threshold").asDouble(), 1e-9);
            assertEquals("image", body.get("input").get("name").asText());
            assertTrue(body.get("message").asText().contains("models/README.md"));
        }
    }

    @Test
    void metricsAreThePrometheusTextFormat() {
        client.get("/health/live").request().close();
        try (Http1ClientResponse res = client.get("/metrics").request()) {
            assertEquals(Status.OK_200, res.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", res.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());
            String text = res.as(String.class);
            assertTrue(text.contains("# TYPE http_requests_total counter"), text);
            assertTrue(text.contains("# TYPE http_request_duration_seconds histogram"));
            assertTrue(text.contains("http_requests_total{endpoint=\"/health/live\",method=\"GET\",status=\"200\"}"));
            assertTrue(text.contains("http_request_duration_seconds_bucket{endpoint=\"/health/live\",method=\"GET\",le=\"0.005\"}"));
            assertTrue(text.contains("# TYPE active_connections gauge"));
            assertTrue(text.contains("task_queue_depth"));
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters are exposed");
            assertTrue(text.contains("process_cpu_seconds_total"), "process meters are exposed");
        }
    }

    @Test
    void routeTemplatesNotRawPathsLabelTheMetrics() {
        String taskPath = "/task/123e4567-e89b-12d3-a456-426614174000";
        client.get(taskPath).request().close();
        client.get("/no/such/path/" + System.nanoTime()).request().close();
        String text = client.get("/metrics").request(String.class).entity();
        assertTrue(text.contains("http_requests_total{endpoint=\"/task/{task_id}\",method=\"GET\",status=\"404\"}"), text);
        assertFalse(text.contains(taskPath), "the raw task path is not a label value");
        assertTrue(text.contains("http_requests_total{endpoint=\"unmatched\",method=\"GET\",status=\"404\"}"));
        assertFalse(text.contains("/no/such/path"), "unknown paths do not become label values");
    }

    @Test
    void everyAnswerCarriesProcessTimeAndARequestId() {
        for (String path : List.of("/", "/health", "/nope", "/task/x", "/rag/info")) {
            try (Http1ClientResponse res = client.get(path).request()) {
                String value = res.headers().first(RequestObserverHeaders.PROCESS_TIME).orElseThrow(
                        () -> new AssertionError("no X-Process-Time on " + path));
                assertTrue(Double.parseDouble(value) >= 0, value);
                assertTrue(res.headers().contains(RequestObserverHeaders.REQUEST_ID), "X-Request-Id on " + path);
            }
        }
        try (Http1ClientResponse res = client.get("/").header(RequestObserverHeaders.REQUEST_ID, "trace-42").request()) {
            assertEquals("trace-42", res.headers().first(RequestObserverHeaders.REQUEST_ID).orElseThrow());
        }
        try (Http1ClientResponse res = client.get("/").header(RequestObserverHeaders.REQUEST_ID, "bad id with spaces").request()) {
            assertFalse(res.headers().first(RequestObserverHeaders.REQUEST_ID).orElseThrow().contains(" "),
                    "an unusable client id is replaced");
        }
    }

    @Test
    void unknownPathIsAJson404() {
        try (Http1ClientResponse res = client.get("/does-not-exist").request()) {
            JsonNode body = assertError(res, Status.NOT_FOUND_404, "not_found");
            assertTrue(body.get("message").asText().contains("/does-not-exist"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/", "/metrics", "/task/123e4567-e89b-12d3-a456-426614174000", "/mlflow/runs"})
    void postToAReadOnlyRouteIsA405WithAllow(String path) {
        try (Http1ClientResponse res = client.post(path).submit("{}")) {
            assertError(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed");
            assertEquals("GET, HEAD", res.headers().first(HeaderNames.ALLOW).orElseThrow());
        }
    }

    @Test
    void getOnAnUploadRouteIsA405() {
        try (Http1ClientResponse res = client.get("/process-image").request()) {
            assertError(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed");
            assertEquals("POST", res.headers().first(HeaderNames.ALLOW).orElseThrow());
        }
        try (Http1ClientResponse res = client.method(Method.DELETE).path("/rag/query").request()) {
            assertError(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed");
        }
    }

    @Test
    void unknownTaskIdsAre404() {
        try (Http1ClientResponse res = client.get("/task/123e4567-e89b-12d3-a456-426614174000").request()) {
            JsonNode body = assertError(res, Status.NOT_FOUND_404, "task_not_found");
            assertTrue(body.get("message").asText().contains("expired"));
        }
        try (Http1ClientResponse res = client.get("/task/not-a-uuid").request()) {
            assertError(res, Status.NOT_FOUND_404, "task_not_found");
        }
    }

    @Test
    void ragRoutesSayWhatIsMissing() {
        // The test runs in the module folder, where the default RAG_RESUME_PATH (data/resume.md) does not exist.
        try (Http1ClientResponse res = client.get("/rag/info").request()) {
            assertEquals(Status.OK_200, res.status());
            JsonNode info = json(res);
            assertFalse(info.get("initialized").asBoolean(true));
            assertEquals("unavailable", info.get("state").asText());
            assertTrue(info.get("message").asText().contains("RAG_RESUME_PATH"));
        }
        try (Http1ClientResponse res = client.get("/rag/health").request()) {
            assertEquals(Status.SERVICE_UNAVAILABLE_503, res.status());
            assertEquals("unavailable", json(res).get("status").asText());
        }
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"query\": \"What is your name?\"}")) {
            assertError(res, Status.SERVICE_UNAVAILABLE_503, "rag_unavailable");
        }
    }

    @Test
    void malformedJsonIsA400() {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"query\": ")) {
            JsonNode body = assertError(res, Status.BAD_REQUEST_400, "invalid_json");
            assertTrue(body.get("message").asText().contains("line 1"), "says where: " + body);
        }
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("[\"a list\"]")) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_json");
        }
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"query\": \"a\"} trailing")) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_json");
        }
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                .request()) {
            assertError(res, Status.BAD_REQUEST_400, "invalid_json");
        }
    }

    @Test
    void aQueryBodyThatIsNotJsonIsA415() {
        try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "text/plain")
                .submit("What is your name?")) {
            assertError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type");
        }
    }

    @Test
    void badQueryFieldsAre422() {
        String longQuery = "x".repeat(1001);
        for (String body : List.of("{}", "{\"query\": 5}", "{\"query\": \"   \"}", "{\"query\": \"" + longQuery + "\"}",
                "{\"query\": \"bell\\u0007\"}", "{\"query\": \"ok\", \"include_metadata\": \"yes\"}",
                "{\"query\": \"ok\", \"top_k\": 0}", "{\"query\": [\"a\"]}")) {
            try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                    .submit(body)) {
                assertError(res, Status.UNPROCESSABLE_CONTENT_422, "validation_error");
            }
        }
    }

    @Test
    void accentedRtlAndEmojiQueriesPassValidation() {
        for (String query : List.of("Où a-t-il étudié ?", "ما هي مهاراته؟", "Skills? 🚀", "line one\nline two")) {
            try (Http1ClientResponse res = client.post("/rag/query").header(HeaderNames.CONTENT_TYPE, "application/json")
                    .submit(dev.mlportfolio.server.http.Json.bytes(java.util.Map.of("query", query)))) {
                assertError(res, Status.SERVICE_UNAVAILABLE_503, "rag_unavailable");
            }
        }
    }

    @Test
    void mlflowRunsSayTrackingIsOff() {
        try (Http1ClientResponse res = client.get("/mlflow/runs").request()) {
            JsonNode body = assertError(res, Status.SERVICE_UNAVAILABLE_503, "mlflow_unavailable");
            assertTrue(body.get("message").asText().contains("MLFLOW_TRACKING_URI"));
        }
    }

    @Test
    void imagesWithoutADetectorAre503() {
        byte[] png = TestSupport.image("png", 8, 8);
        for (String path : List.of("/process-image", "/process-image/async")) {
            try (Http1ClientResponse res = client.post(path)
                    .header(HeaderNames.CONTENT_TYPE, TestSupport.Multipart.CONTENT_TYPE)
                    .submit(TestSupport.Multipart.file("a.png", "image/png", png))) {
                JsonNode body = assertError(res, Status.SERVICE_UNAVAILABLE_503, "model_unavailable");
                assertTrue(body.get("message").asText().contains("models/README.md"));
            }
        }
    }
}
