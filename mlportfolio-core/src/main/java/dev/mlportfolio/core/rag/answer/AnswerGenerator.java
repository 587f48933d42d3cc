package dev.mlportfolio.core.rag.answer;

import dev.mlportfolio.core.rag.chunk.Chunk;
import java.util.List;
import java.util.function.Consumer;

/** A language model that writes an answer from retrieved chunks. */
public interface AnswerGenerator extends AutoCloseable {
    /** The model's name, for logs and metadata. */
    String name();

    /**
     * Writes an answer grounded in {@code context}.
     *
     * @param onToken receives each piece of text as it is generated; may be null
     */
    Generated generate(String question, List<Chunk> context, Consumer<String> onToken);

    /**
     * @param finishReason why generation stopped, e.g. {@code STOP_TOKEN} or {@code MAX_TOKENS}
     */
    record Generated(String text, int promptTokens, int outputTokens, String finishReason, int contextChunks) {
    }

    @Override
    default void close() {
    }
}
