package dev.mlportfolio.core.rag.answer;

import dev.mlportfolio.core.rag.chunk.Chunk;
import java.util.List;
import java.util.function.Consumer;

/** A language model that writes an answer from retrieved chunks. */
public interface AnswerGenerator extends AutoCloseable {
    /** {@return the model's name, for logs and metadata} */
    String name();

    /**
     * Writes an answer grounded in {@code context}.
     *
     * @param question the visitor's question
     * @param context  the retrieved chunks, most relevant first
     * @param onToken receives each piece of text as it is generated; may be null
     * @return the text, token counts, why it stopped and timings
     */
    Generated generate(String question, List<Chunk> context, Consumer<String> onToken);

    /**
     * What a generation produced.
     *
     * @param text               the answer
     * @param promptTokens       tokens in the prompt
     * @param outputTokens       tokens generated, without the end token
     * @param finishReason       why generation stopped, e.g. {@code END_TOKEN}, {@code MAX_TOKENS}, {@code REPETITION}
     * @param contextChunks      how many of the given chunks were in the prompt (the first ones)
     * @param reusedPromptTokens prompt tokens served from the cache of an earlier prompt
     * @param firstTokenMs       time to the first generated token
     */
    record Generated(String text, int promptTokens, int outputTokens, String finishReason, int contextChunks,
                     int reusedPromptTokens, double firstTokenMs) {
    }

    /**
     * Called once with every chunk of the documents (in document order) when the pipeline is built,
     * for generators that put the documents themselves in the prompt.
     *
     * @param documents every chunk, in document order
     */
    default void prepare(List<Chunk> documents) {
    }

    /**
     * {@return whether answers are written from all the documents rather than from the retrieved chunks alone}
     */
    default boolean readsWholeDocuments() {
        return false;
    }

    @Override
    default void close() {
    }
}
