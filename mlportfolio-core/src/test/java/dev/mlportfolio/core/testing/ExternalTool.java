package dev.mlportfolio.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real program a test runs (mlflow, prometheus, nginx), which {@code scripts/test.sh} installs
 * and names in an environment variable. Missing, the test is skipped with a message, or fails when
 * the script said the tool is required.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /**
     * @param envVariable     names the executable, e.g. {@code MLPORTFOLIO_NGINX_BIN}; checked first
     * @param requireVariable set to {@code 1} to fail instead of skipping
     * @param howToGet        what the user should do, for the message
     * @param candidates      where else to look, in order
     */
    public static Path find(String envVariable, String requireVariable, String howToGet, Path... candidates) {
        Optional<Path> found = Stream.concat(Optional.ofNullable(System.getenv(envVariable)).map(Path::of).stream(),
                        Stream.of(candidates))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        String message = howToGet + ", or set " + envVariable;
        if ("1".equals(System.getenv(requireVariable))) {
            Assertions.fail(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
