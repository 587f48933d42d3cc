package dev.mlportfolio.server.tasks.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers in this JVM with REDIS_URL set, through HTTP: a RAG question asked on one is
 * answered on the other; with Redis stopped, async routes answer the JSON 503, /health is
 * degraded (not unhealthy), synchronous routes still serve; nothing accepted is lost, and the
 * first request after Redis is back is served (not answered from a dead pooled connection).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SkipEachTest.class)
class RedisAsyncRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Application> apps = new ArrayList<>();
    private static final List<WebServer> servers = new ArrayList<>();
    private static RedisProcess redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        for (int i = 0; i < 2; i++) {
            Application app = Application.builder(TestSupport.settings("REDIS_URL", redis.uri().toString(),
                            "REDIS_KEY_PREFIX", "routes-test:", "TASK_WORKERS", "1"))
                    .rag(TestSupport.sampleRag()).consumerName("routes-" + i).build();
            apps.add(app);
            servers.add(WebServer.builder().update(app::configure).build().start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        servers.forEach(WebServer::stop);
        apps.forEach(Application::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(2)
    void aQuestionAskedOnOneServerIsAnsweredOnTheOther() throws Exception {
        HttpResponse<String> accepted = post(0, "/rag/query/async", "{\"query\": \"Which programming languages are listed?\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode done = awaitDone(1, location);
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertTrue(done.get("result").get("success").asBoolean());
        assertFalse(done.get("result").get("response").asText().isBlank());
        assertEquals(1, done.get("attempts").asInt());
        assertEquals(done, Json.MAPPER.readTree(get(0, location).body()), "both servers give the same record");
    }

    @Test
    @Order(1)
    void withRedisDownAsyncRoutesAnswer503AndSyncRoutesStillServe() throws Exception {
        HttpResponse<String> before = post(0, "/rag/query/async", "{\"query\": \"Where did the candidate study?\"}");
        assertEquals(202, before.statusCode());
        String location = before.headers().firstValue("Location").orElseThrow();
        redis.stop();
        try {
            HttpResponse<String> refused = post(1, "/rag/query/async", "{\"query\": \"What are the skills?\"}");
            assertEquals(503, refused.statusCode());
            JsonNode error = Json.MAPPER.readTree(refused.body());
            assertEquals("tasks_unavailable", error.get("error").asText());
            assertFalse(error.get("success").asBoolean());
            assertFalse(refused.body().contains(Integer.toString(redis.port())), "no Redis address for clients");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            HttpResponse<String> poll = get(1, location);
            assertEquals(503, poll.statusCode(), "a poll is not a 404 while Redis is away");
            assertEquals(200, post(1, "/rag/query", "{\"query\": \"What are the skills?\"}").statusCode());
            HttpResponse<String> health = get(1, "/health");
            JsonNode report = Json.MAPPER.readTree(health.body());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("degraded", report.get("status").asText());
            assertEquals("down", report.get("services").get("tasks").get("status").asText());
            assertEquals(200, get(1, "/health/ready").statusCode(), "still ready: the sync routes serve");
        } finally {
            redis.restart();
        }
        assertEquals("completed", awaitDone(1, location).get("status").asText());
    }

    private static JsonNode awaitDone(int server, String location) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> res = get(server, location);
            if (res.statusCode() == 200) {
                JsonNode record = Json.MAPPER.readTree(res.body());
                if (record.get("status").asText().equals("completed") || record.get("status").asText().equals("failed")) {
                    return record;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done: " + res.statusCode() + " " + res.body());
            }
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> post(int server, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int server, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int server, String path) {
        return URI.create("http://localhost:" + servers.get(server).port() + path);
    }
}
