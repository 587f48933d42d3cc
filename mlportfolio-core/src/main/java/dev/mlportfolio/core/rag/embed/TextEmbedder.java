package dev.mlportfolio.core.rag.embed;

import java.util.List;

/** Turns text into unit-length vectors whose dot product measures how alike the texts mean. */
public interface TextEmbedder extends AutoCloseable {
    /**
     * {@return the model's name, e.g. for {@code /rag/info}; part of the index digest with {@link #revision()}}
     */
    String id();

    /**
     * Changes whenever this embedder's vectors would while its name stays, e.g. after a tokenizer
     * fix; an index built with another revision is rebuilt.
     *
     * @return the revision, empty by default
     */
    default String revision() {
        return "";
    }

    /** {@return the length of every vector} */
    int dimensions();

    /**
     * Embeds one text.
     *
     * @param text the text
     * @return its unit-length vector
     */
    float[] embed(String text);

    /**
     * Embeds many texts; may batch them.
     *
     * @param texts the texts
     * @return their vectors, in order
     */
    default List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    /** Releases the model; nothing by default. */
    @Override
    default void close() {
    }
}
