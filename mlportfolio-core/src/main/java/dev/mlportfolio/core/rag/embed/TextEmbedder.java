package dev.mlportfolio.core.rag.embed;

import java.util.List;

/** Turns text into unit-length vectors whose dot product measures how alike the texts mean. */
public interface TextEmbedder extends AutoCloseable {
    /** A name that changes whenever the vectors would (an index built with another embedder is rebuilt). */
    String id();

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
