package dev.mlportfolio.core.rag.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.rag.chunk.ResumeChunker;
import dev.mlportfolio.core.rag.document.SourceDocument;
import dev.mlportfolio.core.rag.embed.TextEmbedder;
import dev.mlportfolio.core.testing.LetterEmbedder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the index stores and when it is rebuilt, on an embedder of hashed letters (fast, and its
 * vectors are known): the digest of its inputs, each chunk read back whole, and each vector read
 * back as written. The RAG tests on MiniLM check retrieval quality; this checks bookkeeping.
 */
class ChunkIndexTest {
    private static final ResumeChunker CHUNKER = new ResumeChunker();
    private static final SourceDocument RESUME = new SourceDocument("cv.md", "cv", """
            Jane Doe
            jane@example.org

            ## Experience
            - Built a search engine in Java.
            - Led a team of four.

            ## Interests
            - Bouldering and analogue photography.
            """);

    private static String hash(TextEmbedder embedder, SourceDocument... documents) {
        return ChunkIndex.hash(List.of(documents), embedder);
    }

    @Test
    void theDigestChangesWithEachInputAndWithWhereOneEndsAndTheNextBegins() {
        TextEmbedder m = new LetterEmbedder("m");
        String base = hash(m, new SourceDocument("ab", "t", "c"));
        assertEquals(base, hash(m, new SourceDocument("ab", "other title", "c")), "the title is not indexed");
        assertNotEquals(base, hash(new LetterEmbedder("n"), new SourceDocument("ab", "t", "c")), "the embedder");
        assertNotEquals(base, hash(new LetterEmbedder("m", "2"), new SourceDocument("ab", "t", "c")), "the embedder's revision, its name unchanged");
        assertNotEquals(base, hash(m, new SourceDocument("ab", "t", "d")), "the text");
        assertNotEquals(base, hash(m, new SourceDocument("a", "t", "bc")), "the id ends where the text begins");
        assertNotEquals(base, hash(new LetterEmbedder("ma"), new SourceDocument("b", "t", "c")),
                "the embedder's name ends where the first id begins");
        assertNotEquals(hash(m, new SourceDocument("x", "t", "ab"), new SourceDocument("c", "t", "d")),
                hash(m, new SourceDocument("x", "t", "a"), new SourceDocument("bc", "t", "d")), "one text ends where the next id begins");
    }

    @Test
    void chunksAndVectorsReadBackAsTheyWereWrittenAndAReopenedIndexIsReused(@TempDir Path dir) {
        TextEmbedder embedder = new LetterEmbedder("letters");
        List<Chunk> expected = CHUNKER.chunk(RESUME);
        long before = System.nanoTime();
        try (ChunkIndex built = ChunkIndex.open(dir, List.of(RESUME), CHUNKER, embedder)) {
            double wallMillis = (System.nanoTime() - before) / 1e6;
            assertTrue(built.rebuilt());
            assertTrue(built.buildMillis() > 0 && built.buildMillis() <= wallMillis,
                    built.buildMillis() + " ms to build within the " + wallMillis + " ms the call took");
            assertEquals(expected, built.chunks(), "ids, documents, sections, texts and ordinals");
        }
        try (ChunkIndex reused = ChunkIndex.open(dir, List.of(RESUME), CHUNKER, embedder)) {
            assertFalse(reused.rebuilt());
            assertEquals(0, reused.buildMillis());
            assertEquals(expected, reused.chunks());
            for (int doc = 0; doc < expected.size(); doc++) {
                assertArrayEquals(embedder.embed(expected.get(doc).indexedText()), reused.vector(doc), 1e-6f, "vector " + doc);
                assertEquals(ResumeAnalysis.terms(ResumeAnalysis.indexAnalyzer(), expected.get(doc).indexedText()), reused.terms(doc));
            }
        }
    }

    @Test
    void aQuestionOfOnlyQuestionWordsFindsNothingByWordsAndStillFindsByMeaning(@TempDir Path dir) {
        TextEmbedder embedder = new LetterEmbedder("letters");
        try (ChunkIndex index = ChunkIndex.open(dir, List.of(RESUME), CHUNKER, embedder)) {
            HybridRetriever retriever = new HybridRetriever(index);
            String question = "What did you do?";
            float[] vector = embedder.embed(question);
            assertEquals(List.of(), retriever.retrieve(question, vector, 3, RetrievalMode.BM25));
            assertEquals(List.of(), retriever.retrieve("", vector, 3, RetrievalMode.BM25), "an empty question");
            assertEquals(3, retriever.retrieve(question, vector, 3, RetrievalMode.HYBRID).size(), "the vector list alone");
            List<RetrievedChunk> byWords = retriever.retrieve("search engine", embedder.embed("search engine"), 3, RetrievalMode.BM25);
            assertTrue(byWords.get(0).chunk().text().contains("search engine"), byWords.toString());
            assertEquals(1.0, byWords.get(0).coverage(), 1e-9, "both content words are in the chunk");
        }
    }
}
