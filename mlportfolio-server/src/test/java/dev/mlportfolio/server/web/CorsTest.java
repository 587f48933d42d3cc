package dev.mlportfolio.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.InvalidSettingsException;
import dev.mlportfolio.server.LiveServer;
import dev.mlportfolio.server.TestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS_ALLOWED_ORIGINS through real preflights and cross-origin requests (the browser side is in
 * {@link BrowserUiTest}): an allowed origin gets its preflight answered with the API's methods and
 * headers and may read X-Request-Id and X-Process-Time; any other origin, or a method the API does
 * not take, is refused; without the setting no CORS header is ever sent.
 */
class CorsTest {
    private static final String ALLOWED = "http://allowed.test:4200";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LiveServer withCors;
    private static LiveServer withoutCors;
    private static LiveServer anyOrigin;

    @BeforeAll
    static void start() {
        withCors = LiveServer.start(Application.builder(TestSupport.settings("CORS_ALLOWED_ORIGINS", ALLOWED + ",https://other.test"))
                .rag(TestSupport.sampleRag()).build());
        withoutCors = LiveServer.start(Application.create(TestSupport.settings()));
        anyOrigin = LiveServer.start(Application.create(TestSupport.settings("CORS_ALLOWED_ORIGINS", "*")));
    }

    @AfterAll
    static void stop() {
        LiveServer.closeAll(withCors, withoutCors, anyOrigin);
    }

    @Test
    void answersThePreflightOfAnAllowedOrigin() throws Exception {
        HttpResponse<String> res = preflight(withCors, "/rag/query", ALLOWED, "POST", "content-type, authorization");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(ALLOWED, header(res, "Access-Control-Allow-Origin"));
        assertTrue(values(res, "Access-Control-Allow-Methods").contains("post"), res.headers().map().toString());
        Set<String> headers = values(res, "Access-Control-Allow-Headers");
        assertTrue(headers.contains("content-type") && headers.contains("authorization"), headers.toString());
        assertEquals("600", header(res, "Access-Control-Max-Age"));
        assertNull(header(res, "Access-Control-Allow-Credentials"), "no credentials: the API takes bearer keys");
        // As chromium sends it: lower case, no spaces, the page's own request id.
        HttpResponse<String> chromium = preflight(withCors, "/rag/query", ALLOWED, "POST", "content-type,x-request-id");
        assertEquals(200, chromium.statusCode(), chromium.headers().map().toString());
    }

    @Test
    void letsAnAllowedOriginCallAndReadTheIdHeaders() throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri(withCors, "/rag/query"))
                .header("Origin", ALLOWED).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Where did you study?\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(ALLOWED, header(res, "Access-Control-Allow-Origin"));
        Set<String> exposed = values(res, "Access-Control-Expose-Headers");
        assertTrue(exposed.containsAll(Set.of("x-request-id", "x-process-time", "location", "retry-after")), exposed.toString());
        assertTrue(values(res, "Vary").contains("origin"), "caches keep answers per origin");
    }

    @Test
    void refusesOtherOriginsAndMethods() throws Exception {
        HttpResponse<String> other = preflight(withCors, "/rag/query", "http://evil.test", "POST", "content-type");
        assertEquals(403, other.statusCode());
        assertNull(header(other, "Access-Control-Allow-Origin"));
        HttpResponse<String> header = preflight(withCors, "/rag/query", ALLOWED, "POST", "content-type,x-secret");
        assertEquals(403, header.statusCode(), "a header the API does not take");
        assertTrue(header.body().contains("\"cors_header_not_allowed\""), header.body());
        HttpResponse<String> put = preflight(withCors, "/rag/query", ALLOWED, "PUT", null);
        assertEquals(403, put.statusCode());
        assertNull(header(put, "Access-Control-Allow-Origin"));
        // The same site's own page (Origin equal to the Host) is not a cross-origin request.
        HttpResponse<String> same = HTTP.send(HttpRequest.newBuilder(uri(withCors, "/health/live"))
                .header("Origin", "http://localhost:" + withCors.port()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, same.statusCode());
        HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(uri(withCors, "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertNull(header(plain, "Access-Control-Allow-Origin"), "no CORS headers without an Origin");
    }

    @Test
    void sendsNoCorsHeaderWhenNoOriginIsConfigured() throws Exception {
        HttpResponse<String> res = preflight(withoutCors, "/rag/query", ALLOWED, "POST", "content-type");
        assertEquals(405, res.statusCode(), "an OPTIONS request is then just a method the route does not take");
        assertTrue(res.body().contains("\"method_not_allowed\""), res.body());
        assertNull(header(res, "Access-Control-Allow-Origin"));
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(uri(withoutCors, "/health/live")).header("Origin", ALLOWED).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        assertNull(header(get, "Access-Control-Allow-Origin"));
    }

    @Test
    void aStarAllowsEveryOrigin() throws Exception {
        HttpResponse<String> res = preflight(anyOrigin, "/process-image", "https://anywhere.test", "POST", "authorization");
        assertEquals(200, res.statusCode());
        assertEquals("*", header(res, "Access-Control-Allow-Origin"));
    }

    @Test
    void readsOriginsAsBrowsersSendThem() {
        assertEquals(List.of("https://example.com", "http://localhost:4200"),
                CorsOrigins.parse(" HTTPS://Example.com:443/ , http://localhost:4200").origins());
        assertTrue(CorsOrigins.parse("*").any());
        assertFalse(CorsOrigins.none().enabled());
        for (String bad : new String[] {"https://example.com/app", "ftp://example.com", "example.com", "https://u@example.com",
                "https://example.com?x=1", "https://a.test,,https://b.test"}) {
            assertNull(CorsOrigins.parse(bad), bad);
            InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                    () -> TestSupport.settings("CORS_ALLOWED_ORIGINS", bad));
            assertTrue(e.getMessage().contains("CORS_ALLOWED_ORIGINS"), e.getMessage());
        }
    }

    private static HttpResponse<String> preflight(LiveServer server, String path, String origin, String method, String headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method);
        if (headers != null) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(LiveServer server, String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private static String header(HttpResponse<?> res, String name) {
        return res.headers().firstValue(name).orElse(null);
    }

    /** Every comma-separated value of every line of the header, lower-cased. */
    private static Set<String> values(HttpResponse<?> res, String name) {
        return res.headers().allValues(name).stream().flatMap(v -> List.of(v.split(",")).stream())
                .map(v -> v.strip().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).collect(Collectors.toSet());
    }
}
