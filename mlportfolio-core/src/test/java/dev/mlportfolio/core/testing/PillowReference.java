package dev.mlportfolio.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Pillow itself, from the project's tools virtualenv ({@code .venv}, pinned in
 * {@code scripts/requirements-tools.txt}), for tests that compare our resize with PIL's.
 * {@code scripts/test.sh} creates the virtualenv and sets {@code MLPORTFOLIO_REQUIRE_PILLOW=1}, so
 * there a missing Pillow fails; a plain {@code mvn test} without it skips with the command that
 * gets it. {@code MLPORTFOLIO_PILLOW_PYTHON} points at another interpreter.
 */
public final class PillowReference {
    private PillowReference() {
    }

    /** Runs {@code scripts/pillow/resize_cases.py} into {@code folder} and returns the folder. */
    public static Path writeResizeCases(Path folder) throws IOException, InterruptedException {
        Path python = python();
        Path script = RealLlm.projectRoot().resolve("scripts/pillow/resize_cases.py");
        Process process = new ProcessBuilder(python.toString(), script.toString(), folder.toString())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("resize_cases.log").toFile())
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            Assertions.fail("resize_cases.py did not finish in 10 minutes");
        }
        String log = Files.readString(folder.resolve("resize_cases.log"));
        Assertions.assertEquals(0, process.exitValue(), "resize_cases.py failed:\n" + log);
        System.err.print(log);
        return folder;
    }

    private static Path python() {
        String configured = System.getenv("MLPORTFOLIO_PILLOW_PYTHON");
        Path python = configured != null ? Path.of(configured) : RealLlm.projectRoot().resolve(".venv/bin/python");
        if (Files.isExecutable(python)) {
            return python;
        }
        String message = "no Python with Pillow at " + python
                + ": run scripts/test.sh (it creates .venv), or set MLPORTFOLIO_PILLOW_PYTHON";
        if ("1".equals(System.getenv("MLPORTFOLIO_REQUIRE_PILLOW"))) {
            Assertions.fail(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
