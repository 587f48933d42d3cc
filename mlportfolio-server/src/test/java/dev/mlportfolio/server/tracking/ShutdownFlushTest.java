package dev.mlportfolio.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.testing.MlflowTestServer;
import dev.mlportfolio.core.testing.Scenes;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.core.tracking.RunSearch;
import dev.mlportfolio.core.tracking.TrackedRun;
import dev.mlportfolio.server.Main;
import dev.mlportfolio.server.TestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process: runs queued while MLflow is down are written during shutdown once it is
 * back, within the grace period, instead of being lost with the process.
 */
class ShutdownFlushTest {
    private static final Path TEST_MODEL = Path.of(System.getProperty("mlportfolio.testModel"));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void queuedRunsAreWrittenOnShutdown(@TempDir Path dir) throws Exception {
        try (MlflowTestServer mlflow = MlflowTestServer.start(dir.resolve("mlflow"))) {
            mlflow.stop();
            Path log = dir.resolve("server.log");
            ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_") || k.startsWith("RAG_"));
            builder.environment().putAll(java.util.Map.of("HOST", "127.0.0.1", "PORT", "0",
                    "MODEL_PATH", TEST_MODEL.toString(), "MLFLOW_TRACKING_URI", mlflow.uri(),
                    "SHUTDOWN_GRACE_PERIOD", "60", "RAG_RESUME_PATH", dir.resolve("none.md").toString(),
                    "RAG_WORKING_DIR", dir.resolve("rag").toString()));
            Process server = builder.start();
            try {
                String base = waitUntilReady(server, log);
                byte[] png = Scenes.png(Scenes.draw(200, 150, Scenes.rects(Scenes.FOUR, 200, 150)));
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/process-image"))
                            .header("Content-Type", "image/png").header("X-Request-Id", "shutdown-" + i)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, res.statusCode(), res.body());
                }
                mlflow.start();
                server.destroy();
                assertTrue(server.waitFor(90, TimeUnit.SECONDS), "the server did not stop");
            } finally {
                server.destroyForcibly();
            }
            String output = Files.readString(log);
            assertFalse(output.contains("were not written"), output);
            assertTrue(output.contains("shutting down: draining tasks"), "the shutdown is logged: " + output);
            assertTrue(output.lines().anyMatch(l -> l.contains("Main") && l.endsWith("stopped")), output);
            try (MlflowBackend reader = MlflowBackend.connect(MlflowConnection.of(mlflow.uri()))) {
                List<TrackedRun> runs = reader.searchRuns(new RunSearch("cutler_model", "tags.request_id LIKE 'shutdown-%'",
                        List.of(), 100));
                assertEquals(5, runs.size(), output);
                assertTrue(runs.stream().allMatch(r -> r.status().equals("FINISHED")));
            }
        }
    }

    /**
     * The server's address, from its "ready on" line (it binds port 0, so no other process can take
     * the port between choosing and binding it), once {@code /health/ready} answers 200.
     */
    private static String waitUntilReady(Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String base = null;
        while (System.nanoTime() < deadline && server.isAlive()) {
            Matcher listening = TestSupport.READY_LINE.matcher(Files.readString(log));
            if (base == null && listening.find()) {
                base = listening.group(1);
            }
            if (base != null && HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return base;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not get ready:\n" + Files.readString(log));
    }
}
