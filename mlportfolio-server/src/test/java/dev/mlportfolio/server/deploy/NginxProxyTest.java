package dev.mlportfolio.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Debian's nginx, with deploy/nginx/nginx.conf, in front of two real servers on loopback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SkipEachTest.class)
class NginxProxyTest {
    private static final List<Application> apps = new ArrayList<>();
    private static final List<WebServer> servers = new ArrayList<>();
    private static NginxProcess nginx;
    private static String proxy;

    @BeforeAll
    static void start() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Application app = Application.create(TestSupport.settings());
            WebServer server = WebServer.builder().update(app::configure).build().start();
            apps.add(app);
            servers.add(server);
            ports.add(server.port());
        }
        nginx = NginxProcess.start(ports);
        proxy = nginx.url();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        servers.forEach(WebServer::stop);
        apps.forEach(Application::close);
    }

    private static HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return Tools.HTTP.send(HttpRequest.newBuilder(URI.create(proxy + path)).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> res) throws IOException {
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElse("").split(";")[0], res.body());
        return Json.MAPPER.readTree(res.body());
    }

    /** Requests to {@code /} one server has answered, from its own metrics. */
    private static double rootRequests(Application app) {
        Matcher m = Pattern.compile("http_requests_total\\{endpoint=\"/\",method=\"GET\",status=\"200\"} ([0-9.E]+)")
                .matcher(new String(app.metrics().scrape(), StandardCharsets.UTF_8));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(1)
    void requestsAreSpreadAcrossBothServers() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(200, Tools.get(proxy + "/").statusCode());
        }
        assertTrue(rootRequests(apps.get(0)) >= 3 && rootRequests(apps.get(1)) >= 3,
                "both servers answered: " + rootRequests(apps.get(0)) + " and " + rootRequests(apps.get(1)));
    }

    @Test
    @Order(2)
    void healthChecksPassThroughAndMetricsStayPrivate() throws Exception {
        HttpResponse<String> health = Tools.get(proxy + "/health");
        assertEquals(200, health.statusCode());
        assertTrue(json(health).get("services").has("cutler"));
        assertEquals(200, Tools.get(proxy + "/health/ready").statusCode());
        assertEquals(200, Tools.get(proxy + "/api/health/live").statusCode(), "the /api prefix of the original frontend");
        for (String path : List.of("/metrics", "/api/metrics")) {
            HttpResponse<String> metrics = Tools.get(proxy + path);
            assertEquals(404, metrics.statusCode(), path);
            assertEquals("not_found", json(metrics).get("error").asText());
        }
    }

    @Test
    @Order(3)
    void jsonAnswersAreCompressedForClientsThatAskForIt() throws Exception {
        HttpResponse<byte[]> res = Tools.HTTP.send(HttpRequest.newBuilder(URI.create(proxy + "/health"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals("gzip", res.headers().firstValue("Content-Encoding").orElse(null));
        String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(res.body()))
                .readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(Json.MAPPER.readTree(body).has("services"), body);
    }

    @Test
    @Order(3)
    void theRequestIdPassesThroughBothWays() throws Exception {
        HttpResponse<String> res = Tools.HTTP.send(HttpRequest.newBuilder(URI.create(proxy + "/health/live"))
                .header("X-Request-Id", "through-nginx-1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("through-nginx-1", res.headers().firstValue("X-Request-Id").orElse(null));
        String generated = Tools.get(proxy + "/health/live").headers().firstValue("X-Request-Id").orElse("");
        assertTrue(generated.matches("[0-9a-f]{32}"), "nginx's own id when the client sent none: " + generated);
    }

    @Test
    @Order(4)
    void oversizedUploadsGetTheJsonError() throws Exception {
        HttpResponse<String> atProxy = post("/process-image", new byte[12 << 20]);
        assertEquals(413, atProxy.statusCode());
        assertEquals("payload_too_large", json(atProxy).get("error").asText());

        // Between MAX_FILE_SIZE and the proxy's limit: the server itself refuses it, in the same form.
        HttpResponse<String> atServer = post("/process-image", new byte[(10 << 20) + (512 << 10)]);
        assertEquals(413, atServer.statusCode());
        assertEquals("payload_too_large", json(atServer).get("error").asText());
        assertTrue(atServer.headers().firstValue("X-Process-Time").isPresent(), "answered by the server");
    }

    @Test
    @Order(5)
    void oneServerDownStillServesAndBothDownIsAJson503() throws Exception {
        servers.get(0).stop();
        for (int i = 0; i < 6; i++) {
            assertEquals(200, Tools.get(proxy + "/health/live").statusCode(), "the other server answers");
        }
        servers.get(1).stop();
        HttpResponse<String> none = Tools.get(proxy + "/health/live");
        assertEquals(503, none.statusCode());
        assertEquals("upstream_unavailable", json(none).get("error").asText());
    }
}
