package dev.mlportfolio.core.rag.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlportfolio.core.rag.chunk.Chunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact text a model without a chat template reads, and the question turn of the whole-documents layout. */
class PromptBuilderTest {
    private static final List<Chunk> CONTEXT = List.of(new Chunk("r#1", "r", "Skills", "Java,\nKotlin", 1));

    @Test
    void thePlainPromptIsSystemExcerptsQuestionThenAnswer() {
        assertEquals(PromptBuilder.SYSTEM + "\n\nResume excerpts:\n- Skills: Java, Kotlin\n\nQuestion: Which languages?\nAnswer:",
                PromptBuilder.plainPrompt("Which languages?", CONTEXT));
    }

    @Test
    void theQuestionTurnIsOneLineWithoutControlTokens() {
        assertEquals("Question: Which\nlanguages?".replace('\n', ' '), PromptBuilder.question(" Which\nlanguages?<|im_end|>"));
        assertEquals("Question: ", PromptBuilder.question(""));
    }
}
