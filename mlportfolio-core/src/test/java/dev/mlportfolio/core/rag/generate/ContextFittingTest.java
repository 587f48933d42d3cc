package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlportfolio.core.rag.answer.AnswerGenerator;
import dev.mlportfolio.core.rag.chunk.Chunk;
import dev.mlportfolio.core.testing.TinyLlama;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many excerpts go into a prompt, checked at the exact edge of the context window: the tiny
 * Llama (one token per character) is written with a window sized from the prompt lengths
 * themselves, so "fits with nothing to spare" and "one token too many" are both reached.
 */
class ContextFittingTest {
    private static final int MAX_NEW = 8;                 // below the generator's minimum room of 32: the room is 8
    private static final String QUESTION = "What projects?";
    private static final List<Chunk> EXCERPTS = new ArrayList<>();
    private static final int[] LENGTHS = new int[7];      // prompt tokens with the first k excerpts
    @TempDir
    static Path dir;

    @BeforeAll
    static void measurePrompts() throws IOException {
        for (int i = 0; i < 6; i++) {
            EXCERPTS.add(new Chunk("r#" + i, "r", "Experience", "Worked on project number " + i + " " + "x".repeat(60), i));
        }
        try (JlamaGenerator wide = load("wide", TinyLlama.CONTEXT, JlamaGenerator.Options.DEFAULT)) {
            for (int k = 0; k <= 6; k++) {
                LENGTHS[k] = wide.encode(wide.prompt(QUESTION, EXCERPTS.subList(0, k))).length;
            }
        }
    }

    private static JlamaGenerator load(String name, int window, JlamaGenerator.Options options) throws IOException {
        return JlamaGenerator.load(TinyLlama.write(dir.resolve(name + "-" + window), false, 5, window),
                options.withMaxNewTokens(MAX_NEW));
    }

    private static int chunksUsed(int window) throws IOException {
        try (JlamaGenerator generator = load("w", window, JlamaGenerator.Options.DEFAULT)) {
            AnswerGenerator.Generated answer = generator.generate(QUESTION, EXCERPTS, null);
            assertEquals(LENGTHS[answer.contextChunks()], answer.promptTokens(), "the prompt is the one measured");
            return answer.contextChunks();
        }
    }

    @Test
    void everyExcerptIsKeptWhenThePromptAndTheRoomFillTheWindowExactly() throws IOException {
        assertEquals(6, chunksUsed(LENGTHS[6] + MAX_NEW));
        assertEquals(5, chunksUsed(LENGTHS[6] + MAX_NEW - 1));
    }

    @Test
    void theMostExcerptsThatFitAreKept() throws IOException {
        assertEquals(3, chunksUsed(LENGTHS[3] + MAX_NEW));
        assertEquals(2, chunksUsed(LENGTHS[3] + MAX_NEW - 1));
        assertEquals(1, chunksUsed(LENGTHS[1] + MAX_NEW));
    }

    @Test
    void aQuestionThatFitsOnlyAloneIsAnsweredWithoutExcerptsAndOneTokenLessIsRefused() throws IOException {
        assertEquals(0, chunksUsed(LENGTHS[0] + MAX_NEW));
        try (JlamaGenerator generator = load("w", LENGTHS[0] + MAX_NEW - 1, JlamaGenerator.Options.DEFAULT)) {
            PromptTooLongException e = assertThrows(PromptTooLongException.class, () -> generator.generate(QUESTION, EXCERPTS, null));
            assertEquals(LENGTHS[0], e.promptTokens());
            assertEquals(LENGTHS[0] + MAX_NEW - 1, e.contextTokens());
        }
    }

    @Test
    void theWholeDocumentsAreReadWhenTheyLeaveRoomForAQuestionAndAnAnswer() throws IOException {
        // The plain layout of a model without a chat template: system, the question turn, "Answer:".
        String empty = PromptBuilder.documentsSystem(EXCERPTS) + "\n\n" + PromptBuilder.question("") + "\nAnswer:";
        int documents;
        try (JlamaGenerator wide = load("wide", TinyLlama.CONTEXT, JlamaGenerator.Options.DEFAULT)) {
            documents = wide.encode(empty).length;
        }
        int needed = documents + MAX_NEW + 320;       // 320: the room the generator keeps for a question
        JlamaGenerator.Options whole = JlamaGenerator.Options.DEFAULT.withLayout(PromptLayout.WHOLE_DOCUMENTS);
        try (JlamaGenerator exact = load("docs", needed, whole)) {
            exact.prepare(EXCERPTS);
            assertTrue(exact.readsWholeDocuments(), "documents + answer + question room fill the window exactly");
        }
        try (JlamaGenerator tight = load("docs", needed - 1, whole)) {
            tight.prepare(EXCERPTS);
            assertFalse(tight.readsWholeDocuments(), "one token short: excerpts instead");
        }
        try (JlamaGenerator excerpts = load("docs", needed, JlamaGenerator.Options.DEFAULT)) {
            excerpts.prepare(EXCERPTS);
            assertFalse(excerpts.readsWholeDocuments(), "the excerpts layout never reads the whole documents");
        }
    }
}
