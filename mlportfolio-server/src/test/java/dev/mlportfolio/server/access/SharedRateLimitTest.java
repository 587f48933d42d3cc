package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.tasks.redis.RedisProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas sharing a real Redis share each client's budget: what a client spent on one is
 * spent on the other. While Redis is down the limits let requests through instead of refusing
 * them, and they apply again once it is back.
 */
@ExtendWith(SkipEachTest.class)
class SharedRateLimitTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<LiveServer> replicas = new ArrayList<>();
    private static RedisProcess redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        String prefix = "rate-test-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {
            replicas.add(LiveServer.start(Application.builder(TestSupport.settings("REDIS_URL", redis.uri().toString(),
                            "REDIS_KEY_PREFIX", prefix, "TASK_WORKERS", "1", "TRUSTED_PROXIES", "127.0.0.1,::1",
                            "RATE_LIMIT_RAG", "4/min"))
                    .rag(TestSupport.sampleRag()).consumerName("rate-" + i).build()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        replicas.forEach(LiveServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aBudgetSpentOnOneReplicaIsSpentOnTheOther() throws Exception {
        String client = "203.0.113.50";
        assertEquals(200, ask(0, client));
        assertEquals(200, ask(1, client));
        assertEquals(200, ask(0, client));
        assertEquals(200, ask(1, client));
        assertEquals(429, ask(0, client), "four per minute in all, not per replica");
        assertEquals(429, ask(1, client));
        assertEquals(200, ask(1, "203.0.113.51"), "another client is not affected");
    }

    @Test
    void aRedisOutageLetsRequestsThroughAndLimitsReturnWithIt() throws Exception {
        String client = "203.0.113.60";
        for (int i = 0; i < 4; i++) {
            assertEquals(200, ask(i % 2, client));
        }
        assertEquals(429, ask(0, client));
        redis.kill();
        try {
            for (int i = 0; i < 6; i++) {
                assertEquals(200, ask(i % 2, client), "without Redis the limit is not applied; the server keeps answering");
            }
        } finally {
            redis.restart();
        }
        Thread.sleep(1_100); // a limiter that found Redis gone asks it again after a second
        int answered = 0;
        int status = 200;
        for (int i = 0; i < 6 && status == 200; i++) {
            status = ask(i % 2, client);
            answered++;
        }
        assertEquals(429, status, "limits apply again once Redis is back");
        assertTrue(answered <= 5, "within one budget of 4: " + answered);
        for (LiveServer replica : replicas) {
            assertEquals(0, TestSupport.serverErrors(replica.app()), "no 5xx at any point");
        }
    }

    private static int ask(int replica, String forwardedFor) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + replicas.get(replica).port() + "/rag/query"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Where did she study?\"}")).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
