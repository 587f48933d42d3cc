package dev.mlportfolio.core.rag.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The folder of Jlama's key-value cache page files: emptied of pages when the generator loads
 * and closes (Jlama never deletes them), and removed at close when it was a temporary one.
 */
final class KvPages implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KvPages.class.getName());
    private final Path folder;
    private final boolean temporary;

    private KvPages(Path folder, boolean temporary) {
        this.folder = folder;
        this.temporary = temporary;
    }

    static KvPages open(Optional<Path> configured) {
        try {
            if (configured.isPresent()) {
                Files.createDirectories(configured.get());
                KvPages pages = new KvPages(configured.get(), false);
                pages.clear();
                return pages;
            }
            return new KvPages(Files.createTempDirectory("mlportfolio-jlama-kv"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the key-value cache folder " + configured.orElse(null), e);
        }
    }

    Path folder() {
        return folder;
    }

    private void clear() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.page")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void close() {
        try {
            clear();
            if (temporary) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not clear " + folder, e);
        }
    }
}
