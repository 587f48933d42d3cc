package dev.mlportfolio.core.rag.answer;

import dev.mlportfolio.core.rag.index.RetrievalMode;
import java.util.List;

/**
 * An answer and what it rests on.
 *
 * @param found        false when nothing relevant was found (the text then says so)
 * @param mode         {@code extractive} (lines of the resume) or {@code generative} (a language model's words)
 * @param sources      the chunks used, most relevant first
 * @param promptTokens tokens in the generation prompt, 0 for extractive answers
 * @param outputTokens tokens generated, 0 for extractive answers
 */
public record Answer(String text, boolean found, String mode, RetrievalMode retrieval, List<Source> sources,
                     AnswerTimings timings, int promptTokens, int outputTokens) {
    public static final String EXTRACTIVE = "extractive";
    public static final String GENERATIVE = "generative";

    public Answer {
        sources = List.copyOf(sources);
    }
}
