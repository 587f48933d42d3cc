package dev.mlportfolio.server.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.SkipEachTest;
import dev.mlportfolio.server.TestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tracking loses nothing it accepted: 2,000 RAG queries and 200 predictions sent at full speed to
 * the packaged server while its MLflow (four workers on one SQLite store) is stopped and started again, and the server itself is
 * killed with SIGKILL halfway and restarted on the same spool. Afterwards MLflow holds exactly one
 * run for every request that was answered (counted by its request id and run key), and no run is
 * left RUNNING.
 */
@ExtendWith(SkipEachTest.class)
class NoLossTrackingIT {
    private static final int RAG_QUERIES = 2000;
    private static final int PREDICTIONS = 200;
    private static final int CLIENTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final byte[] IMAGE = TestSupport.image("png", 96, 64);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String PREDICTION_EXPERIMENT = "noloss-predictions-" + SUFFIX;
    private static final String RAG_EXPERIMENT = "noloss-rag-" + SUFFIX;
    private static Path dir;
    private static MlflowTestServer mlflow;
    private static volatile PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("noloss-it");
        // Four MLflow workers take runs about 1.4 times as fast as one (docs/benchmarks.md), which is
        // what bounds this test's length: every run is written at MLflow's pace.
        mlflow = MlflowTestServer.start(dir.resolve("mlflow"), 4);
        server = startServer();
    }

    private static PackagedServer startServer() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("MLFLOW_TRACKING_URI", mlflow.uri());
        env.put("MLFLOW_EXPERIMENT_NAME", PREDICTION_EXPERIMENT);
        env.put("MLFLOW_RAG_EXPERIMENT_NAME", RAG_EXPERIMENT);
        env.put("MLFLOW_SPOOL_DIR", dir.resolve("spool").toString());
        env.put("MLFLOW_HTTP_REQUEST_TIMEOUT", "5");
        env.put("MLFLOW_ARTIFACT_SAMPLE_RATE", "0.2");
        env.put("MODEL_PATH", System.getProperty("mlportfolio.testModel", "models/test-cutler-colors.onnx"));
        env.put("SHUTDOWN_GRACE_PERIOD", "2");
        PackagedServer started = PackagedServer.start(Files.createDirectories(dir.resolve("server")), env);
        started.awaitRag(Duration.ofSeconds(120));
        return started;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (mlflow != null) {
            mlflow.close();
        }
    }

    @Test
    void everyAnsweredRequestIsOneRunThroughAnOutageAndAKill() throws Exception {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < RAG_QUERIES + PREDICTIONS; i++) {
            jobs.add(i % 11 == 5 ? "p" : "q"); // one prediction in every eleven requests: 200 of 2,200
        }
        List<String> queue = java.util.Collections.synchronizedList(new ArrayList<>(jobs));
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger attempt = new AtomicInteger();
        int total = jobs.size();

        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (true) {
                    String kind;
                    synchronized (queue) {
                        if (queue.isEmpty()) {
                            return;
                        }
                        kind = queue.remove(0);
                    }
                    while (true) {
                        String requestId = kind + "-" + attempt.incrementAndGet();
                        if (send(kind, requestId)) {
                            answered.add(requestId);
                            done.incrementAndGet();
                            break;
                        }
                        pause(50); // the server is being killed or restarted: try again with a new id
                    }
                }
            }));
        }

        long t0 = System.nanoTime();
        awaitProgress(done, total / 4);
        phase(t0, "a quarter answered, MLflow stopped");
        mlflow.stop();                     // MLflow goes away: runs pile up in the spool
        awaitProgress(done, total / 2);
        phase(t0, "half answered, server killed");
        server.kill();                     // SIGKILL: no drain, no flush; the spool is all there is
        server = startServer();            // the same spool: what it holds is replayed
        phase(t0, "server restarted");
        awaitProgress(done, total * 3 / 4);
        phase(t0, "three quarters answered, MLflow starting");
        mlflow.start();                    // MLflow back: the backlog drains while traffic continues
        phase(t0, "MLflow started");
        for (Thread client : clients) {
            client.join(Duration.ofMinutes(10));
        }
        assertEquals(total, done.get(), "every request was answered in the end");

        phase(t0, "all answered");
        awaitBacklogWritten(Duration.ofMinutes(8));
        phase(t0, "backlog written");

        Map<String, List<JsonNode>> byRequest = new HashMap<>();
        Map<String, Integer> byKey = new HashMap<>();
        int running = 0;
        for (String experiment : List.of(PREDICTION_EXPERIMENT, RAG_EXPERIMENT)) {
            for (JsonNode run : allRuns(experiment)) {
                Map<String, String> tags = tags(run);
                byRequest.computeIfAbsent(tags.get("request_id"), k -> new ArrayList<>()).add(run);
                byKey.merge(tags.get("mlportfolio.run_key"), 1, Integer::sum);
                if (run.path("info").path("status").asText().equals("RUNNING")) {
                    running++;
                }
            }
        }
        List<String> missing = answered.stream().filter(id -> !byRequest.containsKey(id)).sorted().toList();
        List<String> twice = byRequest.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        assertTrue(missing.isEmpty(), missing.size() + " answered request(s) have no run, e.g. "
                + missing.subList(0, Math.min(10, missing.size())));
        assertTrue(twice.isEmpty(), "request(s) with more than one run: " + twice);
        assertTrue(byKey.values().stream().allMatch(n -> n == 1), "a run key on more than one run");
        assertEquals(0, running, "runs left RUNNING");
        long predictions = answered.stream().filter(id -> id.startsWith("p-")).count();
        assertEquals(PREDICTIONS, predictions);
        System.out.println("NoLossTrackingIT: " + answered.size() + " answered requests, " + byKey.size()
                + " runs in MLflow (" + (byKey.size() - answered.size()) + " from requests cut off by the kill)");
    }

    private static void phase(long t0, String what) {
        System.out.printf(java.util.Locale.ROOT, "NoLossTrackingIT %6.1f s: %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private static boolean send(String kind, String requestId) {
        PackagedServer target = server;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(target.uri(kind.equals("p")
                            ? "/process-image?return_image=false" : "/rag/query"))
                    .timeout(Duration.ofSeconds(30)).header("X-Request-Id", requestId);
            if (kind.equals("p")) {
                req.header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(IMAGE));
            } else {
                ObjectNode body = JSON.createObjectNode().put("query", "Where did she study? #" + requestId);
                req.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            }
            HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new AssertionError(requestId + " answered " + res.statusCode() + ": " + res.body());
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitProgress(AtomicInteger done, int target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (done.get() < target) {
            assertTrue(System.nanoTime() < deadline, "the load stalled at " + done.get());
            Thread.sleep(20);
        }
    }

    private static void awaitBacklogWritten(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode mlflowHealth = null;
        while (System.nanoTime() < deadline) {
            mlflowHealth = PackagedServer.json(server.get("/health")).path("services").path("mlflow");
            if (mlflowHealth.path("details").path("backlog").asInt(-1) == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the tracking backlog was not written in " + timeout + ": " + mlflowHealth);
    }

    private static List<JsonNode> allRuns(String experimentName) throws Exception {
        JsonNode experiment = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(mlflow.uri()
                        + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + experimentName)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String id = experiment.path("experiment").path("experiment_id").asText();
        List<JsonNode> runs = new ArrayList<>();
        String token = null;
        do {
            ObjectNode search = JSON.createObjectNode().put("max_results", 1000);
            search.putArray("experiment_ids").add(id);
            if (token != null) {
                search.put("page_token", token);
            }
            JsonNode page = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(mlflow.uri() + "/api/2.0/mlflow/runs/search"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(search.toString())).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            page.path("runs").forEach(runs::add);
            token = page.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return runs;
    }

    private static Map<String, String> tags(JsonNode run) {
        Map<String, String> tags = new HashMap<>();
        run.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        return tags;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
