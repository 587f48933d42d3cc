package dev.mlportfolio.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-client rate limits on the expensive routes, through HTTP: 429 with {@code Retry-After} once
 * a client's budget is spent, budgets per client and per group, {@code X-Forwarded-For} believed
 * only from a trusted proxy, IPv6 clients counted by /64, and budgets that refill.
 */
class RateLimitRoutesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String QUESTION = "{\"query\": \"Where did she study?\"}";
    /** Behind a trusted proxy (this test's loopback client counts as one). */
    private static LiveServer proxied;
    /** Reached directly: no trusted proxies. */
    private static LiveServer direct;
    /** One question per 2 s, to watch a bucket refill. */
    private static LiveServer slow;

    @BeforeAll
    static void start() {
        String model = System.getProperty("mlportfolio.testModel");
        proxied = server("TRUSTED_PROXIES", "127.0.0.1,::1", "RATE_LIMIT_RAG", "3/min", "RATE_LIMIT_IMAGES", "2/min",
                "MODEL_PATH", model);
        direct = server("RATE_LIMIT_RAG", "3/min");
        slow = server("RATE_LIMIT_RAG", "1/2s");
    }

    private static LiveServer server(String... settings) {
        return LiveServer.start(Application.builder(TestSupport.settings(settings)).rag(TestSupport.sampleRag()).build());
    }

    @AfterAll
    static void stop() {
        LiveServer.closeAll(proxied, direct, slow);
    }

    @AfterEach
    void noServerErrors() throws Exception {
        for (LiveServer s : new LiveServer[] {proxied, direct, slow}) {
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the server keeps serving");
            assertEquals(0, TestSupport.serverErrors(s.app()), "no request was answered with a 5xx");
        }
    }

    @Test
    void aClientGetsItsBudgetThenA429WithRetryAfter() throws Exception {
        for (int left = 2; left >= 0; left--) {
            HttpResponse<String> ok = ask(proxied, "/rag/query", "203.0.113.7");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("3", ok.headers().firstValue("X-RateLimit-Limit").orElse(""));
            assertEquals(Integer.toString(left), ok.headers().firstValue("X-RateLimit-Remaining").orElse(""));
        }
        HttpResponse<String> limited = ask(proxied, "/rag/query", "203.0.113.7");
        JsonNode body = assertLimited(limited);
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 20, "one of 3 per minute comes back within 20 s: " + retryAfter);
        assertTrue(body.get("message").asText().contains("retry after " + retryAfter + " s"), body.toString());

        assertLimited(ask(proxied, "/rag/query/async", "203.0.113.7")); // the async route shares the budget
        assertEquals(200, ask(proxied, "/rag/query", "203.0.113.8").statusCode(), "another client has its own budget");
        assertLimited(ask(proxied, "/rag/query", "1.1.1.1, 203.0.113.7")); // what the client wrote itself is not believed
        assertEquals(202, ask(proxied, "/rag/query/async", "198.51.100.1, 203.0.113.9").statusCode(),
                "the right-most untrusted hop is the client");
    }

    @Test
    void imagesHaveTheirOwnBudgetCheckedBeforeTheUploadIsRead() throws Exception {
        String client = "203.0.113.20";
        for (int i = 0; i < 3; i++) {
            assertEquals(200, ask(proxied, "/rag/query", client).statusCode(), "questions do not spend the image budget");
        }
        byte[] png = TestSupport.Multipart.file("a.png", "image/png", TestSupport.image("png", 20, 10));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = post(proxied, "/process-image", client, TestSupport.Multipart.CONTENT_TYPE, png);
            assertEquals(200, ok.statusCode(), ok.body());
        }
        byte[] notAnImage = TestSupport.Multipart.file("a.png", "image/png", "not an image".getBytes(StandardCharsets.UTF_8));
        assertLimited(post(proxied, "/process-image", client, TestSupport.Multipart.CONTENT_TYPE, notAnImage));
        assertLimited(post(proxied, "/process-image/async", client, TestSupport.Multipart.CONTENT_TYPE, png));
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(200, ask(proxied, "/rag/query", "2001:db8:0:7::" + i).statusCode());
        }
        assertLimited(ask(proxied, "/rag/query", "2001:db8:0:7:ffff::1")); // another address in the same /64
        assertEquals(200, ask(proxied, "/rag/query", "[2001:db8:0:8::1]:4433").statusCode(), "the next /64 is another client");
    }

    @Test
    void withoutTrustedProxiesForwardedAddressesAreIgnored() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(200, ask(direct, "/rag/query", "203.0.113." + i).statusCode());
        }
        assertLimited(ask(direct, "/rag/query", "203.0.113.99")); // all of them were this test's own address
    }

    @Test
    void aSpentBudgetRefills() throws Exception {
        assertEquals(200, ask(slow, "/rag/query", null).statusCode());
        HttpResponse<String> limited = ask(slow, "/rag/query", null);
        assertLimited(limited);
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        Thread.sleep(retryAfter * 1000 + 200);
        HttpResponse<String> again = ask(slow, "/rag/query", null);
        assertEquals(200, again.statusCode(), "after Retry-After the client is served: " + again.body());
    }

    private static JsonNode assertLimited(HttpResponse<String> res) throws Exception {
        assertEquals(429, res.statusCode(), res.body());
        JsonNode body = Json.MAPPER.readTree(res.body());
        assertEquals("rate_limited", body.get("error").asText());
        assertTrue(res.headers().firstValue("Retry-After").isPresent(), "429 says when to come back");
        assertEquals("0", res.headers().firstValue("X-RateLimit-Remaining").orElse(""));
        return body;
    }

    private static HttpResponse<String> ask(LiveServer server, String path, String forwardedFor) throws Exception {
        return post(server, path, forwardedFor, "application/json", QUESTION.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(LiveServer server, String path, String forwardedFor, String type, byte[] body)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (forwardedFor != null) {
            req.header("X-Forwarded-For", forwardedFor);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
