package dev.mlportfolio.server.tasks.redis;

import dev.mlportfolio.core.testing.ExternalTool;
import dev.mlportfolio.core.testing.LocalPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server} on 127.0.0.1 for the task queue tests, with the persistence the
 * deployment uses (append-only file, fsync on every write), so a restart keeps what was accepted.
 * {@code scripts/test.sh} installs it and sets {@code MLPORTFOLIO_REDIS_BIN}; missing, the tests
 * skip, or fail under {@code MLPORTFOLIO_REQUIRE_TOOLS=1}.
 */
public final class RedisProcess implements AutoCloseable {
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    public static RedisProcess start() throws Exception {
        Path binary = ExternalTool.find("MLPORTFOLIO_REDIS_BIN", "MLPORTFOLIO_REQUIRE_TOOLS",
                "no redis-server: run scripts/test.sh (as root it installs Debian's redis-server package)",
                Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
        RedisProcess redis = new RedisProcess(binary, Files.createTempDirectory("redis-test"), LocalPorts.free());
        redis.startProcess();
        return redis;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port + "/0");
    }

    public int port() {
        return port;
    }

    /** SIGTERM: Redis writes its data and exits, as a clean restart would. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL: what the append-only file was told is all that survives. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts again on the same port and data folder. */
    public void restart() throws Exception {
        if (process.isAlive()) {
            stop();
        }
        startProcess();
    }

    private void startProcess() throws Exception {
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--maxmemory-policy", "noeviction", "--protected-mode", "yes", "--daemonize", "no"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(50);
        }
    }

    /** A RESP PING on a plain socket: the test's own check, independent of the client under test. */
    private boolean answersPing() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            return n == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            kill();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
