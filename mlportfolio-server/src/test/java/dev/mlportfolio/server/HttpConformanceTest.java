package dev.mlportfolio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.server.RawHttp.Exchange;
import dev.mlportfolio.server.RawHttp.Response;
import dev.mlportfolio.server.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What HTTP/1.1 asks of a server, checked on the wire: HEAD, {@code Connection: close}, framing
 * errors, versions and header limits each get one correct answer, and the connection ends or stays
 * usable as it should.
 */
class HttpConformanceTest {
    private static final int WAIT = 5_000;
    private static final String ABSENT_MODEL = Path.of("/nonexistent-models-dir/secret/cutler.onnx").toString();
    private static Application app;
    private static LiveServer live;
    private static int port;

    @BeforeAll
    static void start() {
        app = Application.builder(TestSupport.settings("HTTP_MAX_HEADER_SIZE", "2048", "MODEL_PATH", ABSENT_MODEL))
                .rag(TestSupport.sampleRag())
                .imageAnalyzer(new DecodingAnalyzer())
                .build();
        live = LiveServer.start(app);
        port = live.port();
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @AfterEach
    void noServerErrors() throws IOException {
        Response health = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WAIT).only();
        assertEquals(200, health.status(), "the server keeps serving");
        assertEquals(0, TestSupport.serverErrors(app), "no request was answered with a 5xx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/health", "/health/live", "/health/ready", "/metrics", "/model/info", "/rag/info",
            "/rag/health", "/task/no-such-task"})
    void headAnswersLikeGetWithoutTheBodyAndTheConnectionStaysUsable(String path) throws IOException {
        String request = "HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n" + "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        Exchange exchange = RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), WAIT, false, 1);
        assertEquals(2, exchange.responses().size(), "one answer each, none lost to a stray body: " + exchange);
        assertEquals(0, exchange.rest().length, "nothing after the GET answer");
        Response head = exchange.responses().get(0);
        Response get = exchange.responses().get(1);
        assertEquals(get.status(), head.status(), path);
        assertEquals(get.header("content-type"), head.header("content-type"), path);
        long headLength = Long.parseLong(head.header("content-length"));
        assertTrue(headLength > 0, "HEAD says how long the body would be");
        if (path.equals("/") || path.equals("/model/info") || path.startsWith("/task/")) {
            assertEquals(get.body().length, headLength, "the same length as the GET body of " + path);
        }
        assertTrue(exchange.closed(), "Connection: close on the GET ends the connection");
    }

    @Test
    void headOnAPostOnlyRouteIs405WithAllowAndNoBody() throws IOException {
        Exchange exchange = RawHttp.exchange(port, ("HEAD /rag/query HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                WAIT, false, 1);
        assertEquals(2, exchange.responses().size(), exchange.toString());
        assertEquals(405, exchange.responses().get(0).status());
        assertEquals("POST", exchange.responses().get(0).header("allow"));
        assertEquals(200, exchange.responses().get(1).status());
    }

    @Test
    void connectionCloseEndsTheConnectionAfterTheAnswer() throws IOException {
        Exchange exchange = RawHttp.exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WAIT);
        assertEquals(200, exchange.only().status());
        assertTrue(exchange.closed(), "the server closes instead of waiting for another request");
    }

    @Test
    void aRefusedBodyWithConnectionCloseGetsOneAnswerNotTwo() throws IOException {
        String body = "{\"query\":\"" + "a".repeat(20_000) + "\"}";
        Exchange exchange = RawHttp.exchange(port, "POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, WAIT);
        assertError(exchange.only(), 413, "payload_too_large");
        assertTrue(exchange.closed());
    }

    @Test
    void aRefusedBodyOnAKeptAliveConnectionIsSkippedAndTheNextRequestAnswered() throws IOException {
        String body = "{\"query\":\"" + "a".repeat(20_000) + "\"}";
        Exchange exchange = RawHttp.exchange(port, "POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WAIT);
        assertEquals(2, exchange.responses().size(), exchange.toString());
        assertError(exchange.responses().get(0), 413, "payload_too_large");
        assertEquals(200, exchange.responses().get(1).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ZZ", "-5", "ffffffffff", "{}"})
    void aMalformedChunkSizeIsA400(String size) throws IOException {
        Exchange exchange = RawHttp.exchange(port, "POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + size + "\r\n{}\r\n0\r\n\r\n", WAIT);
        Response answer = exchange.only();
        assertEquals(400, answer.status(), answer.text());
    }

    @Test
    void aMalformedChunkSizeInAnUploadIsA400() throws IOException {
        String multipart = new String(TestSupport.Multipart.file("a.png", "image/png", TestSupport.image("png", 4, 4)),
                StandardCharsets.ISO_8859_1);
        Exchange exchange = RawHttp.exchange(port, "POST /process-image HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + TestSupport.Multipart.CONTENT_TYPE + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "10\r\n" + multipart.substring(0, 16) + "\r\nxyz\r\n" + multipart.substring(16) + "\r\n0\r\n\r\n", WAIT);
        assertError(exchange.only(), 400, "malformed_chunked_body");
    }

    @Test
    void aBodyShorterThanDeclaredIsA400() throws IOException {
        byte[] request = ("POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                + "{\"query\": \"short").getBytes(StandardCharsets.ISO_8859_1);
        Exchange exchange = RawHttp.exchange(port, request, WAIT, true, 0);
        assertError(exchange.only(), 400, "unreadable_body");
    }

    @Test
    void http10IsRefusedWithAJsonAnswerNamingHttp11() throws IOException {
        Exchange exchange = RawHttp.exchange(port, "GET /health HTTP/1.0\r\n\r\n", WAIT);
        JsonNode body = assertError(exchange.only(), 505, "http_version_not_supported");
        assertTrue(body.get("message").asText().contains("HTTP/1.1"), body.toString());
        assertTrue(exchange.closed());
    }

    @Test
    void headersOverTheLimitAre431() throws IOException {
        Exchange exchange = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4000)
                + "\r\n\r\n", WAIT);
        JsonNode body = assertError(exchange.only(), 431, "headers_too_large");
        assertTrue(body.get("message").asText().contains("HTTP_MAX_HEADER_SIZE"), body.toString());
    }

    @Test
    void jsonNestedPastTheParsersLimitIsA400InPlainWords() throws IOException {
        String body = "[".repeat(1500) + "]".repeat(1500);
        Exchange exchange = RawHttp.exchange(port, "POST /rag/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, WAIT);
        JsonNode error = assertError(exchange.only(), 400, "invalid_json");
        String message = error.get("message").asText();
        assertFalse(message.contains("`") || message.contains("StreamReadConstraints") || message.contains("()"), message);
    }

    @Test
    void healthAndModelInfoDoNotShowWhereTheModelLiesOnDisk() throws IOException {
        for (String path : new String[] {"/health", "/model/info"}) {
            String body = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WAIT)
                    .only().text();
            assertTrue(body.contains("cutler.onnx"), "the file is named: " + body);
            assertFalse(body.contains("nonexistent-models-dir"), "its folder is not: " + body);
            assertFalse(body.contains(Path.of("").toAbsolutePath().toString()), "nor the working directory: " + body);
        }
    }

    static JsonNode assertError(Response response, int status, String code) throws IOException {
        assertEquals(status, response.status(), response.text());
        assertEquals("application/json", response.header("content-type"));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals(code, body.get("error").asText(), body.toString());
        assertFalse(body.get("success").asBoolean(true));
        return body;
    }
}
