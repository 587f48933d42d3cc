package dev.mlportfolio.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page and the docs as files over HTTP: served without a key even when the API needs one,
 * each with the security headers, every file the page loads present with a type a browser runs,
 * and nothing loaded from another host (the page works offline).
 */
class WebPagesTest {
    private static final Path UI = Path.of("src/main/resources", WebUi.LOCATION);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LiveServer server;

    @BeforeAll
    static void start() {
        server = LiveServer.start(Application.create(TestSupport.settings("API_KEYS", "web:web-pages-test-key-0123456789")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void servesThePageWithoutAKeyAndWithAStrictPolicy() throws Exception {
        HttpResponse<String> redirect = get("/ui");
        assertEquals(301, redirect.statusCode());
        assertEquals("/ui/", redirect.headers().firstValue("Location").orElse(""));
        HttpResponse<String> page = get("/ui/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), "no inline script or style: " + policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
        assertFalse(page.body().matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), "no inline script in the page");
        assertEquals(401, get("/model/info").statusCode(), "the API itself still needs the key");
    }

    @Test
    void everyFileThePageLoadsIsServedWithARunnableType() throws Exception {
        for (Path file : uiFiles()) {
            String path = "/ui/" + UI.relativize(file).toString().replace('\\', '/');
            HttpResponse<String> res = get(path);
            assertEquals(200, res.statusCode(), path);
            String type = res.headers().firstValue("Content-Type").orElse("");
            String expected = path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css" : "text/html";
            assertTrue(type.startsWith(expected), path + " is served as " + type);
        }
        // Every module a module imports exists.
        Pattern imports = Pattern.compile("from \"\\./([a-z]+\\.js)\"");
        for (Path file : uiFiles()) {
            Matcher m = imports.matcher(Files.readString(file));
            while (m.find()) {
                assertTrue(Files.exists(file.resolveSibling(m.group(1))), file + " imports " + m.group(1));
            }
        }
    }

    @Test
    void loadsNothingFromAnotherHost() throws IOException {
        Pattern external = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}|@import|url\\(\\s*['\"]?(https?:)?//");
        for (Path file : uiFiles()) {
            Matcher m = external.matcher(Files.readString(file));
            if (m.find()) {
                throw new AssertionError(file + " refers to another host: " + m.group());
            }
        }
        String docs = get("/docs/").body();
        assertFalse(external.matcher(docs).find(), "the docs page loads Swagger UI from this server: " + docs);
        assertEquals(200, get("/docs/assets/swagger-ui-bundle.js").statusCode());
    }

    @Test
    void theRootLinksThePageAndTheDocs() throws Exception {
        JsonNode root = Json.MAPPER.readTree(get("/").body());
        assertEquals("/ui/", root.get("endpoints").get("ui").asText());
        assertEquals("/docs", root.get("endpoints").get("docs").asText());
        assertEquals("/openapi.json", root.get("endpoints").get("openapi").asText());
        HttpResponse<String> docs = get("/docs/");
        assertEquals(200, docs.statusCode());
        assertTrue(docs.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    }

    private static List<Path> uiFiles() throws IOException {
        try (Stream<Path> files = Files.walk(UI)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
