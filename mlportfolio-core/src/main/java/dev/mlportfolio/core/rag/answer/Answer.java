package dev.mlportfolio.core.rag.answer;

import dev.mlportfolio.core.rag.index.RetrievalMode;
import java.util.List;
import java.util.Optional;

/**
 * An answer and what it rests on.
 *
 * @param text         the answer to show
 * @param found        false when nothing relevant was found (the text then says so)
 * @param mode         what {@code text} is: {@link AnswerMode#EXTRACTIVE} (lines of the resume) or
 *                     {@link AnswerMode#GENERATIVE} (a language model's words), never {@code AUTO}
 * @param retrieval    the retrieval that found the sources
 * @param sources      the chunks used, most relevant first
 * @param timings      milliseconds for embedding, retrieval and answering
 * @param promptTokens tokens in the generation prompt, 0 when the model was not asked
 * @param outputTokens tokens generated, 0 when the model was not asked
 * @param generation   what the model did, when it was asked (also when its answer was not shown)
 */
public record Answer(String text, boolean found, AnswerMode mode, RetrievalMode retrieval, List<Source> sources,
                     AnswerTimings timings, int promptTokens, int outputTokens, Optional<Generation> generation) {
    /** Copies the source list. */
    public Answer {
        sources = List.copyOf(sources);
    }

    /**
     * What the language model did for an answer, whether or not its answer was shown.
     *
     * @param text               the model's answer
     * @param grounding          whether its facts are in the sources
     * @param finishReason       why it stopped
     * @param fallback           why the extractive answer was shown instead, or null when the model's was shown
     * @param reusedPromptTokens prompt tokens served from the cache of an earlier prompt
     * @param firstTokenMs       time to its first token
     */
    public record Generation(String text, Grounding grounding, String finishReason, String fallback,
                             int reusedPromptTokens, double firstTokenMs) {
    }
}
