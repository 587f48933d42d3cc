package dev.mlportfolio.core.rag;

import dev.mlportfolio.core.rag.document.DocumentLoader;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The sample resume and one all-MiniLM-L6-v2 embedder for the RAG tests of this package, loaded
 * once per test JVM. The embedder is never closed: no run is in progress when the JVM ends.
 */
final class SampleResume {
    private static final SourceDocument DOCUMENT = load();
    private static MiniLmEmbedder embedder;

    private SampleResume() {
    }

    static SourceDocument document() {
        return DOCUMENT;
    }

    static synchronized MiniLmEmbedder embedder() {
        if (embedder == null) {
            embedder = MiniLmEmbedder.load();
        }
        return embedder;
    }

    private static SourceDocument load() {
        try {
            return DocumentLoader.load(Path.of("../data/resume.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
