package dev.mlportfolio.core.rag.embed;

import java.util.List;

/** Turns text into unit-length vectors whose dot product measures how alike the texts mean. */
public interface TextEmbedder extends AutoCloseable {
    /** The model's name, e.g. for {@code /rag/info}; part of the index digest with {@link #revision()}. */
    String id();

    /**
     * Changes whenever this embedder's vectors would while its name stays, e.g. after a tokenizer
     * fix; an index built with another revision is rebuilt.
     */
    default String revision() {
        return "";
    }

    int dimensions();

    float[] embed(String text);

    /** Embeds many texts; may batch them. */
    default List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    @Override
    default void close() {
    }
}
