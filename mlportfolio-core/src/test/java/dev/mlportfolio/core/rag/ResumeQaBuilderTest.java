package dev.mlportfolio.core.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.answer.AnswerMode;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.index.RetrievalMode;
import dev.mlportfolio.core.testing.LetterEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the builder checks, where it puts the index, and what closing the pipeline closes. */
class ResumeQaBuilderTest {
    private static final SourceDocument RESUME = new SourceDocument("cv.md", "cv",
            "Jane Doe\n\n## Experience\n- Built a search engine in Java.\n- Led a team of four.\n");

    /** Records what the pipeline hands it. */
    private static final class RecordingGenerator implements AnswerGenerator {
        final List<Chunk> prepared = new ArrayList<>();
        boolean closed;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Generated generate(String question, List<Chunk> context, Consumer<String> onToken) {
            throw new AssertionError("not asked in these tests");
        }

        @Override
        public void prepare(List<Chunk> documents) {
            prepared.addAll(documents);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void optionsTakeOneToFiftyChunks() {
        assertEquals(1, new ResumeQa.Options(1, RetrievalMode.BM25, AnswerMode.AUTO).topK());
        assertEquals(50, new ResumeQa.Options(50, RetrievalMode.BM25, AnswerMode.AUTO).topK());
        assertThrows(IllegalArgumentException.class, () -> new ResumeQa.Options(0, RetrievalMode.BM25, AnswerMode.AUTO));
        assertThrows(IllegalArgumentException.class, () -> new ResumeQa.Options(51, RetrievalMode.BM25, AnswerMode.AUTO));
        assertThrows(NullPointerException.class, () -> new ResumeQa.Options(5, null, AnswerMode.AUTO));
        assertThrows(NullPointerException.class, () -> new ResumeQa.Options(5, RetrievalMode.BM25, null));
    }

    @Test
    void withoutDocumentsNothingIsBuilt(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ResumeQa.builder().workingDir(dir).embedder(new LetterEmbedder("l")).build());
        assertTrue(e.getMessage().contains("no documents"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("index")), "nothing written before the check");
    }

    @Test
    void withoutAWorkingFolderNothingIsBuiltOrWritten(@TempDir Path dir) throws Exception {
        Path before = Path.of("").toAbsolutePath();
        boolean hadWork = Files.exists(before.resolve("work"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ResumeQa.builder().documents(List.of(RESUME)).embedder(new LetterEmbedder("l")).build());
        assertTrue(e.getMessage().contains("workingDir"), e.getMessage());
        assertEquals(hadWork, Files.exists(before.resolve("work")), "nothing written in the working directory");
    }

    @Test
    void theGeneratorSeesEveryChunkAndIsClosedWithThePipelineButAGivenEmbedderIsNot(@TempDir Path dir) {
        LetterEmbedder embedder = new LetterEmbedder("letters");
        RecordingGenerator generator = new RecordingGenerator();
        try (ResumeQa qa = ResumeQa.builder().documents(List.of(RESUME)).workingDir(dir).embedder(embedder)
                .generator(generator).build()) {
            assertEquals(qa.chunks(), generator.prepared, "prepared once with every chunk, in document order");
            assertEquals("letters", qa.embedderName());
            assertEquals("recording", qa.generatorName().orElseThrow());
            assertTrue(Files.isDirectory(dir.resolve("index")), "the index lives in the working folder's index folder");
        }
        assertTrue(generator.closed, "the generator belongs to the pipeline");
        assertFalse(embedder.closed(), "an embedder the caller gave stays open for the caller");
    }

    @Test
    void theDefaultEmbedderIsMiniLmAndTheGeneratorIsOptional(@TempDir Path dir) {
        try (ResumeQa qa = ResumeQa.builder().documents(List.of(RESUME)).workingDir(dir).build()) {
            assertEquals("all-MiniLM-L6-v2", qa.embedderName());
            assertTrue(qa.generatorName().isEmpty());
            assertTrue(qa.answer("Which language was the search engine built in?").text().contains("Java"));
        }
    }
}
