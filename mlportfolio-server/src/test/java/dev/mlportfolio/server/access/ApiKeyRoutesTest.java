package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With {@code API_KEYS} set: health and the route index stay open, every other route needs a
 * valid bearer key, and a task's result is visible to the key that submitted it only.
 */
class ApiKeyRoutesTest {
    static final String ALICE = "alice-0123456789abcdef0123456789";
    static final String BOB = "bob-fedcba9876543210fedcba98765";
    static final String CAROL = "carol-00112233445566778899aabbcc";
    static final String DAVE = "dave-ffeeddccbbaa99887766554433";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Application app;
    private static LiveServer live;

    @BeforeAll
    static void start() {
        app = Application.builder(TestSupport.settings(
                        "API_KEYS", "alice:" + ALICE + ",bob:" + BOB + ",carol:" + CAROL + ",dave:" + DAVE,
                        "RATE_LIMIT_RAG", "5/min",
                        "MODEL_PATH", "/nonexistent-models-dir/cutler.onnx"))
                .rag(TestSupport.sampleRag())
                .build();
        live = LiveServer.start(app);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @AfterEach
    void noServerErrors() throws Exception {
        assertEquals(200, send("GET", "/health", null, null).statusCode(), "the server keeps serving");
        assertEquals(0, TestSupport.serverErrors(app), "no request was answered with a 5xx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/health", "/health/live", "/health/ready", "/rag/health"})
    void publicRoutesNeedNoKey(String path) throws Exception {
        assertEquals(200, send("GET", path, null, null).statusCode(), path);
        assertEquals(200, send("HEAD", path, null, null).statusCode(), "HEAD " + path);
        assertEquals(200, send("GET", path, "not-a-key-at-all-but-long", null).statusCode(), "a wrong key does not matter on " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /mlflow/runs", "GET /metrics", "GET /model/info", "GET /rag/info",
            "GET /task/00000000-0000-0000-0000-000000000000", "HEAD /rag/info", "POST /rag/query", "POST /rag/query/async",
            "POST /process-image", "POST /process-image/async"})
    void otherRoutesNeedAKey(String route) throws Exception {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        String body = method.equals("POST") ? "{\"query\": \"Where did she study?\"}" : null;

        HttpResponse<String> none = send(method, path, null, body);
        assertRefused(none, method, "missing_api_key");
        assertEquals("Bearer realm=\"mlportfolio\"", none.headers().firstValue("WWW-Authenticate").orElse(""));

        HttpResponse<String> wrong = send(method, path, ALICE.substring(0, ALICE.length() - 1) + "x", body);
        assertRefused(wrong, method, "invalid_api_key");
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));

        HttpResponse<String> basic = HTTP.send(request(method, path, body).header("Authorization", "Basic " + ALICE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertRefused(basic, method, "missing_api_key");
    }

    @Test
    void aValidKeyIsLetThroughWhateverTheSchemeCase() throws Exception {
        HttpResponse<String> info = HTTP.send(request("GET", "/rag/info", null).header("Authorization", "bearer " + BOB).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, info.statusCode(), info.body());
        assertEquals(401, send("GET", "/model/info", null, null).statusCode());
        HttpResponse<String> metrics = send("GET", "/metrics", ALICE, null);
        assertEquals(200, metrics.statusCode());
        java.util.regex.Matcher refused = java.util.regex.Pattern.compile(
                "(?m)^http_requests_refused_total\\{endpoint=\"/model/info\",reason=\"missing_api_key\"} ([0-9.]+)$")
                .matcher(metrics.body());
        assertTrue(refused.find() && Double.parseDouble(refused.group(1)) >= 1, "refusals are counted by route and reason");
    }

    @Test
    void aTaskIsVisibleToTheKeyThatSubmittedItOnly() throws Exception {
        HttpResponse<String> accepted = send("POST", "/rag/query/async", ALICE, "{\"query\": \"Where did she study?\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String location = accepted.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> other = send("GET", location, BOB, null);
        assertEquals(404, other.statusCode(), "another key's task looks like no task at all");
        assertEquals("task_not_found", Json.MAPPER.readTree(other.body()).get("error").asText());
        String unknown = "/task/" + UUID.randomUUID();
        assertEquals(Json.MAPPER.readTree(send("GET", unknown, BOB, null).body()).get("error"),
                Json.MAPPER.readTree(other.body()).get("error"), "the same answer as for an id that never existed");

        JsonNode own = null;
        for (int i = 0; i < 300; i++) {
            own = Json.MAPPER.readTree(send("GET", location, ALICE, null).body());
            if (own.path("status").asText().equals("completed")) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals("completed", own.path("status").asText(), String.valueOf(own));
        assertEquals("alice", own.path("owner").asText(), "the owner is the key's name");
        assertFalse(own.toString().contains(ALICE), "the key itself is never shown");
        assertTrue(own.path("result").path("response").isTextual(), String.valueOf(own));
    }

    @Test
    void rateBudgetsBelongToKeysNotAddresses() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> ok = send("POST", "/rag/query", CAROL, "{\"query\": \"Where did she study?\"}");
            assertEquals(200, ok.statusCode(), ok.body());
        }
        HttpResponse<String> limited = send("POST", "/rag/query", CAROL, "{\"query\": \"Where did she study?\"}");
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals(200, send("POST", "/rag/query", DAVE, "{\"query\": \"Where did she study?\"}").statusCode(),
                "another key from the same address has its own budget");
    }

    private static void assertRefused(HttpResponse<String> res, String method, String code) throws IOException {
        assertEquals(401, res.statusCode(), method + " " + res.uri() + ": " + res.body());
        if (!method.equals("HEAD")) {
            JsonNode body = Json.MAPPER.readTree(res.body());
            assertEquals(code, body.get("error").asText(), res.body());
            assertFalse(body.get("success").asBoolean(true));
        }
        assertNotEquals("", res.headers().firstValue("X-Request-Id").orElse(""), "refusals are ordinary answers");
    }

    static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder req = request(method, path, body);
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + live.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
}
