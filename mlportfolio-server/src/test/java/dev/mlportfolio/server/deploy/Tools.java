package dev.mlportfolio.server.deploy;

import dev.mlportfolio.core.testing.ExternalTool;
import dev.mlportfolio.server.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Finds the real Prometheus and nginx the deploy tests run ({@code scripts/test.sh} installs them
 * and sets {@code MLPORTFOLIO_PROMETHEUS_BIN} / {@code MLPORTFOLIO_NGINX_BIN}); skips the test
 * with a message when one is missing, or fails it when {@code MLPORTFOLIO_REQUIRE_TOOLS=1}.
 */
final class Tools {
    static final Path ROOT = Path.of(System.getProperty("mlportfolio.root", "..")).toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Tools() {
    }

    static Path binary(String envVariable, String... candidates) {
        return ExternalTool.find(envVariable, "MLPORTFOLIO_REQUIRE_TOOLS", "no " + String.join(" or ", candidates)
                + ": run scripts/test.sh (as root it installs Debian's package)",
                Stream.of(candidates).map(Path::of).toArray(Path[]::new));
    }

    /** The variable names the server reads: recorded while it reads an empty environment. */
    static Set<String> serverVariables() {
        Set<String> read = new HashSet<>();
        ServerSettings.fromEnvironment(new HashMap<>() {
            @Override
            public String get(Object key) {
                read.add((String) key);
                return null;
            }
        });
        return read;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Stops a process and waits for it. */
    static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(15).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
