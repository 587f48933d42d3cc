package dev.mlportfolio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real entry point in a child JVM: bad configuration stops it with one clear line and no stack trace. */
class MainTest {

    @Test
    void badConfigurationStopsWithOneLineNamingTheVariable() throws Exception {
        Result result = runMain(Map.of("MAX_FILE_SIZE", "10MB", "PORT", "0"));
        assertEquals(2, result.exit());
        List<String> lines = result.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "exactly one line: " + result.stderr());
        assertTrue(lines.get(0).startsWith("mlportfolio: invalid configuration: MAX_FILE_SIZE=\"10MB\" is not valid"), lines.get(0));
        assertTrue(lines.get(0).contains("10485760"), "shows an accepted value");
    }

    @Test
    void negativePortStopsTheServer() throws Exception {
        Result result = runMain(Map.of("PORT", "-1"));
        assertEquals(2, result.exit());
        assertTrue(result.stderr().strip().startsWith("mlportfolio: invalid configuration: PORT=\"-1\""), result.stderr());
        assertTrue(!result.stderr().contains("\tat "), "no stack trace");
    }

    @Test
    void aPortInUseStopsTheServerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result result = runMain(Map.of("PORT", Integer.toString(taken.getLocalPort()), "HOST", "127.0.0.1"));
            assertEquals(1, result.exit());
            List<String> lines = result.stderr().lines().filter(l -> l.startsWith("mlportfolio:")).toList();
            assertEquals(1, lines.size(), result.stderr());
            assertTrue(lines.get(0).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), lines.get(0));
            assertTrue(!result.stderr().contains("\tat "), "no stack trace: " + result.stderr());
        }
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result runMain(Map<String, String> env) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        builder.environment().keySet().removeIf(k -> ServerSettingsKeys.ALL.contains(k));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Main did not stop");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static final class ServerSettingsKeys {
        static final List<String> ALL = List.of("ENVIRONMENT", "DEBUG", "LOG_LEVEL", "HOST", "PORT", "MLFLOW_TRACKING_URI",
                "MLFLOW_EXPERIMENT_NAME", "REDIS_URL", "MODEL_PATH", "CONFIDENCE_THRESHOLD", "ONNX_PROVIDER",
                "RAG_RESUME_PATH", "RAG_WORKING_DIR", "RAG_MODEL_PATH", "MAX_FILE_SIZE", "SENTRY_DSN", "TASK_WORKERS",
                "TASK_QUEUE_SIZE", "TASK_RESULT_TTL", "SHUTDOWN_GRACE_PERIOD", "RAG_DOCUMENTS_DIR", "RAG_MAX_GENERATIONS",
                "RAG_MAX_NEW_TOKENS", "MAX_IMAGE_PIXELS", "DETECTOR_CONCURRENCY", "ONNX_THREADS", "COMPUTE_THREADS",
                "MLFLOW_RAG_EXPERIMENT_NAME", "MLFLOW_REGISTERED_MODEL_NAME", "MLFLOW_ARTIFACT_SAMPLE_RATE",
                "MLFLOW_QUEUE_SIZE", "MLFLOW_HTTP_REQUEST_TIMEOUT", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
                "MLFLOW_TRACKING_TOKEN");
    }
}
