package dev.mlportfolio.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.Version;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.routes.ImageAnalyzer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code SENTRY_DSN} set, the Sentry SDK's own transport reports a 500, a failed task and a
 * model that did not load, tagged with request id, route, environment and version, and without
 * the request's body, upload or file name. The receiving end is {@link SentryStandIn}, a local
 * endpoint of this test, not a Sentry.
 */
class ErrorReportingTest {
    private static final String MARKER = "PRIVATE-MARKER-7f3a";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SentryStandIn sentry;
    private static LiveServer live;
    private static byte[] picture;

    @BeforeAll
    static void start() throws Exception {
        sentry = new SentryStandIn();
        Path broken = Files.createTempDirectory("sentry-test").resolve("cutler.onnx");
        Files.writeString(broken, "this is not an ONNX model");
        ImageAnalyzer exploding = (upload, query) -> context -> {
            throw new IllegalStateException("the analyzer exploded on " + upload.size() + " bytes");
        };
        live = LiveServer.start(Application.builder(TestSupport.settings("SENTRY_DSN", sentry.dsn(),
                        "ENVIRONMENT", "staging", "MODEL_PATH", broken.toString()))
                .rag(TestSupport.sampleRag())
                .imageAnalyzer(exploding)
                .build());
        picture = TestSupport.image("png", 32, 24);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
        if (sentry != null) {
            sentry.close();
        }
    }

    @Test
    void aFiveHundredIsReportedWithItsRequestIdAndRouteButNotTheUpload() throws Exception {
        HttpResponse<String> res = upload("/process-image");
        assertEquals(500, res.statusCode(), res.body());
        String requestId = res.headers().firstValue("X-Request-Id").orElseThrow();

        JsonNode event = sentry.awaitEvent("request", Duration.ofSeconds(20));
        JsonNode tags = event.path("tags");
        assertEquals(requestId, tags.path("request_id").asText());
        assertEquals("/process-image", tags.path("route").asText());
        assertEquals("POST", tags.path("method").asText());
        assertEquals("staging", event.path("environment").asText());
        assertEquals("mlportfolio@" + Version.current(), event.path("release").asText());
        assertEquals(Version.current(), tags.path("version").asText());
        JsonNode exception = event.path("exception").path("values").get(0);
        assertEquals("IllegalStateException", exception.path("type").asText());
        assertTrue(exception.path("value").asText().startsWith("the analyzer exploded"), exception.toString());
        assertTrue(exception.path("stacktrace").path("frames").size() > 0, "with its stack trace");
        assertTrue(event.path("request").isMissingNode(), "no request data: " + event);
        assertTrue(event.path("user").isMissingNode(), "no user data: " + event);
        assertNothingPrivateWasSent();
    }

    @Test
    void aFailedTaskIsReportedWithItsIds() throws Exception {
        HttpResponse<String> accepted = upload("/process-image/async");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String taskId = Json.MAPPER.readTree(accepted.body()).get("task_id").asText();

        JsonNode event = sentry.awaitEvent("task", Duration.ofSeconds(20));
        assertEquals(taskId, event.path("tags").path("task_id").asText());
        assertEquals("process_image", event.path("tags").path("task_kind").asText());
        assertEquals(accepted.headers().firstValue("X-Request-Id").orElseThrow(), event.path("tags").path("request_id").asText());
        assertNothingPrivateWasSent();
    }

    @Test
    void aModelThatDoesNotLoadIsReported() throws Exception {
        JsonNode event = sentry.awaitEvent("model", Duration.ofSeconds(20));
        assertEquals("cutler", event.path("tags").path("component").asText());
        assertFalse(event.path("exception").path("values").isEmpty(), "with the load error: " + event);
    }

    @Test
    void clientErrorsAreNotReported() throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri("/rag/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"" + MARKER + "x".repeat(2000) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(422, res.statusCode());
        Thread.sleep(500);
        for (JsonNode event : sentry.events()) {
            assertFalse(event.path("tags").path("route").asText().equals("/rag/query"), "a 422 is not an error of the server");
        }
        assertNothingPrivateWasSent();
    }

    @Test
    void withoutADsnNothingIsSetUp() {
        assertSame(ErrorReporter.NONE, SentryReporter.create(Optional.empty(), "production"));
        assertFalse(ErrorReporter.NONE.enabled());
        assertTrue(live.app().errors().enabled());
    }

    private static void assertNothingPrivateWasSent() {
        String picturePrefix = Base64.getEncoder().encodeToString(picture).substring(0, 24);
        for (String envelope : sentry.envelopes()) {
            assertFalse(envelope.contains(MARKER), "no file name or question text in " + envelope);
            assertFalse(envelope.contains(picturePrefix), "no image bytes in an envelope");
            assertFalse(envelope.contains("multipart/form-data"), "no request headers in an envelope");
        }
    }

    private static HttpResponse<String> upload(String path) throws Exception {
        byte[] body = TestSupport.Multipart.file(MARKER + ".png", "image/png", picture);
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", TestSupport.Multipart.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + live.port() + path);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
