package dev.mlportfolio.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.LocalPorts;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.Application;
import dev.mlportfolio.server.ServerSettings;
import dev.mlportfolio.server.TestSupport;
import dev.mlportfolio.server.http.Json;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus, configured by deploy/prometheus/prometheus.yml, scrapes a running server after
 * traffic on every route: every meter must arrive with its labels, and every PromQL expression of
 * the Grafana dashboard must parse and return data.
 */
@ExtendWith(SkipEachTest.class)
class PrometheusDashboardTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static final Path CONFIG = Tools.ROOT.resolve("deploy/prometheus/prometheus.yml");
    private static final String DNS_TARGETS = """
                dns_sd_configs:
                  - names:
                      - mlportfolio
                    type: A
                    port: 8000
                    refresh_interval: 30s
            """;
    private static final Path DASHBOARD = Tools.ROOT.resolve("deploy/grafana/dashboards/mlportfolio.json");
    private static Application app;
    private static WebServer server;
    private static Process prometheus;
    private static String prometheusUrl;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Tools.binary("MLPORTFOLIO_PROMETHEUS_BIN", "/usr/bin/prometheus");
        Path dir = Files.createTempDirectory("prometheus-test");
        ServerSettings settings = TestSupport.settings("MODEL_PATH", TEST_MODEL.toString(),
                "RAG_RESUME_PATH", Tools.ROOT.resolve("data/resume.md").toString(),
                "RAG_WORKING_DIR", dir.resolve("rag").toString(),
                "MLFLOW_TRACKING_URI", MlflowTestServer.sharedUri(),
                "MLFLOW_EXPERIMENT_NAME", "prometheus-test", "MLFLOW_RAG_EXPERIMENT_NAME", "prometheus-test-rag",
                "MLFLOW_REGISTERED_MODEL_NAME", "prometheus-test-model");
        app = Application.create(settings);
        server = WebServer.builder().update(app::configure).build().start();
        base = "http://127.0.0.1:" + server.port();

        // The shipped file, pointed at this server instead of the compose service, scraping every second.
        String shipped = Files.readString(CONFIG);
        String config = shipped
                .replace(DNS_TARGETS, "    static_configs:\n      - targets:\n          - 127.0.0.1:" + server.port() + "\n")
                .replace("scrape_interval: 15s", "scrape_interval: 1s");
        assertTrue(shipped.contains(DNS_TARGETS), "the config finds the servers by the compose service name");
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = LocalPorts.free();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Tools.waitFor("Prometheus scraping the server", Duration.ofSeconds(60),
                () -> !query("up{job=\"mlportfolio\"} == 1").isEmpty());
        assertTrue(app.rag().await(Duration.ofSeconds(60)) == dev.mlportfolio.server.rag.LoadedRag.State.READY);

        traffic();
        assertTrue(app.tracking().flush(Duration.ofSeconds(60)));
        // Three more scrapes, so rates over the dashboard's window have points on both sides of the
        // traffic: counted by Prometheus itself (scrapes whose timestamp is after the traffic), not slept for.
        double trafficEnded = System.currentTimeMillis() / 1000.0;
        Tools.waitFor("three scrapes after the traffic", Duration.ofSeconds(60), () -> scrapesSince(trafficEnded) >= 3);
    }

    @AfterAll
    static void stop() {
        Tools.stop(prometheus);
        if (server != null) {
            server.stop();
        }
        if (app != null) {
            app.close();
        }
    }

    /** Every route once or more, good and bad input, sync and async. */
    private static void traffic() throws Exception {
        for (String path : List.of("/", "/health", "/health/live", "/health/ready", "/metrics", "/model/info",
                "/rag/info", "/rag/health", "/mlflow/runs", "/no-such-route")) {
            Tools.get(base + path);
        }
        byte[] png = Scenes.png(Scenes.draw(320, 240, Scenes.rects(Scenes.FOUR, 320, 240)));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post("/process-image", "image/png", png).statusCode());
        }
        assertEquals(415, post("/process-image", "image/png", "not a picture".getBytes(StandardCharsets.UTF_8)).statusCode());
        JsonNode accepted = Json.MAPPER.readTree(post("/process-image/async", "image/png", png).body());
        String taskId = accepted.get("task_id").asText();
        Tools.waitFor("the image task", Duration.ofSeconds(60),
                () -> body("/task/" + taskId).get("status").asText().equals("completed"));
        byte[] question = "{\"query\": \"Where did she study?\"}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, post("/rag/query", "application/json", question).statusCode());
        }
        String ragTask = Json.MAPPER.readTree(post("/rag/query/async", "application/json", question).body())
                .get("task_id").asText();
        Tools.waitFor("the RAG task", Duration.ofSeconds(60),
                () -> body("/task/" + ragTask).get("status").asText().equals("completed"));
    }

    private static HttpResponse<String> post(String path, String type, byte[] body) throws IOException, InterruptedException {
        return Tools.HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(String path) {
        try {
            return Json.MAPPER.readTree(Tools.get(base + path).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The result vector of an instant query; fails on a query Prometheus refuses. */
    /** Scrapes of the server Prometheus stored with a timestamp after {@code epochSeconds}. */
    private static int scrapesSince(double epochSeconds) {
        List<JsonNode> samples = rangeSamples("up{job=\"mlportfolio\"}[1m]");
        int count = 0;
        for (JsonNode sample : samples) {
            if (sample.get(0).asDouble() > epochSeconds) {
                count++;
            }
        }
        return count;
    }

    /** The raw samples of a range selector, as [timestamp, value] pairs. */
    private static List<JsonNode> rangeSamples(String selector) {
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode series : query(selector)) {
            series.path("values").forEach(values::add);
        }
        return values;
    }

    static List<JsonNode> query(String promql) {
        try {
            HttpResponse<String> res = Tools.get(prometheusUrl + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            JsonNode body = Json.MAPPER.readTree(res.body());
            assertEquals("success", body.path("status").asText(), promql + " -> " + res.body());
            List<JsonNode> result = new ArrayList<>();
            body.path("data").path("result").forEach(result::add);
            return result;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSeries(String selector) {
        List<JsonNode> result = query(selector);
        assertFalse(result.isEmpty(), "no series for " + selector);
    }

    private static void assertPositive(String selector) {
        List<JsonNode> result = query(selector);
        assertFalse(result.isEmpty(), "no series for " + selector);
        double value = result.get(0).path("value").get(1).asDouble();
        assertTrue(value > 0, selector + " = " + value);
    }

    @Test
    void everyMeterArrivesWithItsLabels() {
        assertPositive("http_requests_total{method=\"POST\",endpoint=\"/process-image\",status=\"200\"}");
        assertPositive("http_requests_total{method=\"GET\",endpoint=\"/task/{task_id}\",status=\"200\"}");
        assertPositive("http_requests_total{method=\"GET\",endpoint=\"unmatched\",status=\"404\"}");
        assertPositive("http_requests_total{method=\"POST\",endpoint=\"/process-image\",status=\"415\"}");
        assertPositive("http_request_duration_seconds_count{method=\"POST\",endpoint=\"/rag/query\"}");
        assertSeries("http_request_duration_seconds_bucket{endpoint=\"/health\",le=\"0.001\"}");
        assertSeries("http_request_duration_seconds_bucket{endpoint=\"/health\",le=\"60.0\"}");
        assertPositive("active_connections");
        assertSeries("http_requests_in_flight");
        assertPositive("file_uploads_total{file_type=\"image/png\",status=\"accepted\"}");
        assertPositive("file_uploads_total{status=\"unsupported\"}");
        assertPositive("file_upload_size_bytes_count{file_type=\"image/png\"}");
        assertSeries("file_upload_size_bytes_bucket{le=\"1024.0\"}");
        assertPositive("model_predictions_total{model_name=\"cutler\",status=\"success\"}");
        assertPositive("model_prediction_duration_seconds_count{model_name=\"cutler\"}");
        assertSeries("model_prediction_duration_seconds_bucket{model_name=\"cutler\",le=\"0.01\"}");
        assertSeries("model_prediction_duration_seconds_bucket{model_name=\"cutler\",le=\"30.0\"}");
        for (String stage : List.of("decode", "preprocess", "inference", "postprocess", "overlay")) {
            assertPositive("model_stage_duration_seconds_count{model_name=\"cutler\",stage=\"" + stage + "\"}");
        }
        assertPositive("model_memory_usage_bytes{model_name=\"cutler\"}");
        assertPositive("model_memory_usage_bytes{model_name=\"rag\"}");
        assertPositive("rag_queries_total{mode=\"extractive\",status=\"success\"}");
        assertPositive("rag_query_duration_seconds_count{mode=\"extractive\"}");
        for (String stage : List.of("embedding", "retrieval", "answer")) {
            assertPositive("rag_stage_duration_seconds_count{stage=\"" + stage + "\"}");
        }
        assertPositive("tasks_submitted_total{kind=\"process_image\",outcome=\"accepted\"}");
        assertPositive("tasks_finished_total{kind=\"rag_query\",status=\"completed\"}");
        assertPositive("task_duration_seconds_count{kind=\"process_image\"}");
        assertSeries("task_queue_depth");
        assertSeries("tasks_running");
        assertPositive("mlflow_records_total{kind=\"prediction\",outcome=\"logged\"}");
        assertPositive("mlflow_records_total{kind=\"rag_query\",outcome=\"logged\"}");
        assertPositive("mlflow_write_duration_seconds_count");
        assertSeries("mlflow_queue_depth");
        assertPositive("jvm_memory_used_bytes{area=\"heap\"}");
        assertPositive("jvm_gc_collection_seconds_count");
        assertPositive("jvm_threads_current");
        assertPositive("process_cpu_seconds_total");
        assertPositive("process_open_fds");
        assertPositive("process_resident_memory_bytes");
    }

    @Test
    void everyDashboardQueryParsesAndReturnsData() throws IOException {
        JsonNode dashboard = Json.MAPPER.readTree(DASHBOARD.toFile());
        assertEquals("prometheus", dashboard.path("panels").get(0).path("datasource").path("uid").asText());
        List<String> empty = new ArrayList<>();
        int expressions = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                // Grafana fills these in; one minute covers the traffic at a 1 s scrape interval.
                String expr = target.path("expr").asText().replace("$__rate_interval", "1m").replace("$__interval", "1m");
                expressions++;
                if (query(expr).isEmpty()) {
                    empty.add(panel.path("title").asText() + ": " + expr);
                }
            }
        }
        assertTrue(expressions >= 20, "the dashboard has its panels: " + expressions);
        assertEquals(List.of(), empty, "queries that returned nothing");
        for (String title : List.of("Request rate by route", "Error rate (5xx share of requests)", "Latency p99 by route",
                "Predictions by outcome", "RAG queries by mode and outcome", "Uploads by type and outcome",
                "Task queue depth and running tasks", "MLflow runs logged and dropped", "JVM memory", "JVM GC time")) {
            assertTrue(dashboard.toString().contains("\"" + title + "\""), title);
        }
    }
}
