package dev.mlportfolio.core.rag.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathModelFileTest {
    @TempDir
    Path dir;

    private URL entryOf(Path jar, String name, byte[] bytes) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(name));
            out.write(bytes);
            out.closeEntry();
        }
        return new URL("jar:" + jar.toUri() + "!/" + name);
    }

    @Test
    void aJarEntryIsWrittenOnceAndReusedOnLaterLoads() throws Exception {
        byte[] bytes = "not really a model, but bytes all the same".getBytes();
        URL entry = entryOf(dir.resolve("models.jar"), "models/tiny.onnx", bytes);
        Path cache = dir.resolve("cache");

        Path first = ClasspathModelFile.of(entry, cache).orElseThrow();
        assertEquals(cache, first.getParent());
        assertTrue(first.getFileName().toString().matches("tiny-[0-9a-f]{8}-" + bytes.length + "\\.onnx"), first.toString());
        assertArrayEquals(bytes, Files.readAllBytes(first));

        // Marked in place: a second load must open the cached file, not extract the entry again.
        byte[] marked = bytes.clone();
        marked[0] = 'N';
        Files.write(first, marked);
        assertEquals(first, ClasspathModelFile.of(entry, cache).orElseThrow());
        assertArrayEquals(marked, Files.readAllBytes(first));
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(first), files.toList(), "no partial file is left behind");
        }
    }

    @Test
    void aNewVersionOfTheEntryGetsItsOwnFile() throws Exception {
        Path cache = dir.resolve("cache");
        Path old = ClasspathModelFile.of(entryOf(dir.resolve("a.jar"), "m.onnx", new byte[] {1, 2, 3}), cache).orElseThrow();
        Path fresh = ClasspathModelFile.of(entryOf(dir.resolve("b.jar"), "m.onnx", new byte[] {1, 2, 4}), cache).orElseThrow();
        assertTrue(!old.equals(fresh), "the CRC is part of the name");
        assertArrayEquals(new byte[] {1, 2, 4}, Files.readAllBytes(fresh));
    }

    @Test
    void aResourceThatIsAlreadyAFileIsUsedWhereItIs() throws Exception {
        Path model = Files.write(dir.resolve("exploded.onnx"), new byte[] {7});
        Path cache = dir.resolve("cache");
        assertEquals(Optional.of(model), ClasspathModelFile.of(model.toUri().toURL(), cache));
        assertTrue(Files.notExists(cache), "nothing is copied");
    }

    @Test
    void aCacheThatCannotBeWrittenFallsBackToReadingTheJar() throws Exception {
        URL entry = entryOf(dir.resolve("models.jar"), "m.onnx", new byte[] {1});
        Path notAFolder = Files.write(dir.resolve("occupied"), new byte[0]);
        assertEquals(Optional.empty(), ClasspathModelFile.of(entry, notAFolder));
    }

    @Test
    void theDefaultCacheIsInTheTemporaryFolder() {
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), ClasspathModelFile.defaultCache().getParent());
    }
}
