package dev.mlportfolio.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

    /**
     * The cases of {@code scripts/pillow/resize_cases.py}, written once into
     * {@code mlportfolio-core/target/pillow-cases/<key>} and reused while the script and the pinned
     * Pillow stay the same: they are 0.5 GB and take Pillow most of a minute, which every new JVM
     * paid again (each of PIT's test processes, for one).
     */
    public static Path resizeCases() throws IOException, InterruptedException {
        Path python = python();
        Path root = RealLlm.projectRoot();
        Path script = root.resolve("scripts/pillow/resize_cases.py");
        String key = key(python.toString(), Files.readString(script), Files.readString(root.resolve("scripts/requirements-tools.txt")));
        Path cache = root.resolve("mlportfolio-core/target/pillow-cases");
        Path folder = cache.resolve(key);
        if (Files.isRegularFile(folder.resolve(COMPLETE))) {
            return folder;
        }
        Files.createDirectories(cache);
        Path writing = Files.createTempDirectory(cache, "writing-");
        write(python, script, writing);
        Files.writeString(writing.resolve(COMPLETE), key);
        try {
            Files.move(writing, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(writing);   // another JVM finished the same cases first
        }
        return folder;
    }

    private static final String COMPLETE = "complete";

    private static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void write(Path python, Path script, Path folder) throws IOException, InterruptedException {
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
