package dev.mlportfolio.server.packaged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlportfolio.server.TestSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The server as {@code scripts/run.sh} starts it: {@code java <JVM flags> -jar mlportfolio-server.jar}
 * with the jars of {@code target/libs/} from its manifest, not the test classpath. PORT=0; the
 * port is read from the "ready on" log line.
 */
final class PackagedServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final List<String> log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedServer(Process process, int port, List<String> log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static PackagedServer start(Path workDir, Map<String, String> env) throws Exception {
        Path jar = Path.of(System.getProperty("mlportfolio.serverJar", "target/mlportfolio-server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("no packaged server at " + jar + "; run mvn package first");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toAbsolutePath().toString())
                .directory(Path.of(System.getProperty("mlportfolio.root", "..")).toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_") || k.startsWith("RAG_") || k.equals("PORT")
                || k.equals("MODEL_PATH") || k.equals("REDIS_URL") || k.equals("SENTRY_DSN"));
        builder.environment().put("PORT", "0");
        builder.environment().put("RAG_WORKING_DIR", workDir.resolve("rag").toString());
        builder.environment().put("MODEL_PATH", workDir.resolve("no-model.onnx").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    Matcher m = TestSupport.READY_LINE.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new AssertionError("the server stopped before it was ready:\n" + String.join("\n", lines)));
        });
        return new PackagedServer(process, port.get(90, TimeUnit.SECONDS), lines);
    }

    /** Waits for a log line containing {@code text} (the log keeps growing while the server runs). */
    String awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : log) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no log line with '" + text + "' in " + timeout + ":\n" + String.join("\n", log));
    }

    List<String> log() {
        return List.copyOf(log);
    }

    /** Waits until {@code /rag/health} answers 200 (the pipeline, and the language model, loaded). */
    void awaitRag(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/rag/health").statusCode() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("RAG not ready in " + timeout + ": " + get("/rag/health").body());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    /** SIGKILL, as when a machine or the OOM killer takes the process: no drain, no clean-up. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a replica: the server drains within its grace period. */
    void terminate() {
        // Through the handle: Process.destroy() also closes our end of the pipes, and the log of the
        // stop itself (the drain, the last runs written) would be lost.
        process.toHandle().destroy();
    }

    /** The exit status once the process ended: 143 after SIGTERM and a clean stop, 134 after a crash. */
    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
