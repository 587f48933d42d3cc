package dev.mlportfolio.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mlflow server} for tests: SQLite store, proxied artifacts, 127.0.0.1, a free port.
 * {@code scripts/test.sh} installs MLflow (scripts/lib/mlflow.sh), starts a shared server and sets
 * {@code MLPORTFOLIO_TEST_MLFLOW_URI}; tests that need to stop and restart one start their own with
 * {@link #start(Path)}. Outside that script a missing MLflow skips these tests with a message, unless
 * {@code MLPORTFOLIO_REQUIRE_MLFLOW=1}, when it fails them.
 */
public final class MlflowTestServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static MlflowTestServer shared;

    private final Path executable;
    private final Path dir;
    private final int port;
    private final int workers;
    private Process process;

    private MlflowTestServer(Path executable, Path dir, int port, int workers) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        this.workers = workers;
    }

    /** The server every test of this JVM shares: the one test.sh started, or one started here. */
    public static synchronized String sharedUri() {
        String given = System.getenv("MLPORTFOLIO_TEST_MLFLOW_URI");
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        if (shared == null) {
            try {
                shared = start(Files.createTempDirectory("mlflow-shared"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            MlflowTestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return shared.uri();
    }

    /** Starts a server of the caller's own under {@code dir}; skips or fails the test when MLflow is missing. */
    public static MlflowTestServer start(Path dir) {
        return start(dir, 1);
    }

    /** As {@link #start(Path)}, with {@code workers} MLflow server processes on the one SQLite store. */
    public static MlflowTestServer start(Path dir, int workers) {
        MlflowTestServer server = new MlflowTestServer(executable(), dir, LocalPorts.free(), workers);
        server.start();
        return server;
    }

    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** Starts (again) on the same port with the same store, so what was logged before is still there. */
    public void start() {
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "server",
                    "--backend-store-uri", "sqlite:///" + dir.toAbsolutePath().resolve("mlflow.db"),
                    "--artifacts-destination", dir.toAbsolutePath().resolve("artifacts").toString(),
                    "--serve-artifacts", "--host", "127.0.0.1", "--port", Integer.toString(port), "--workers",
                    Integer.toString(workers)))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
            builder.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (healthy()) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(200);
        }
        String log;
        try {
            log = Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            log = e.toString();
        }
        stop();
        throw new IllegalStateException("mlflow server did not start on port " + port + ":\n"
                + log.substring(Math.max(0, log.length() - 3000)));
    }

    /** Stops the server and everything it started (uvicorn runs in child processes). */
    public void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
                child.destroyForcibly();
                return child;
            }).join();
        }
        process = null;
    }

    public boolean healthy() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri() + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }

    static Path executable() {
        Path venv = Path.of(System.getProperty("mlportfolio.root", ".."), ".venv-mlflow", "bin", "mlflow");
        return ExternalTool.find("MLPORTFOLIO_MLFLOW_BIN", "MLPORTFOLIO_REQUIRE_MLFLOW",
                "no MLflow server available: run scripts/test.sh (it installs MLflow into .venv-mlflow and starts "
                        + "a server)", venv);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
