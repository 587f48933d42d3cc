package dev.mlportfolio.core.testing;

import dev.mlportfolio.core.rag.embed.TextEmbedder;
import java.util.Locale;

/**
 * An embedder whose vectors are known: the counts of the letters a to h, normalised, so texts that
 * share letters point the same way. Fast and free of a model, for tests of bookkeeping (what the
 * index stores, when it is rebuilt, who closes what); retrieval quality is tested on MiniLM.
 */
public final class LetterEmbedder implements TextEmbedder {
    private final String id;
    private final String revision;
    private volatile boolean closed;

    public LetterEmbedder(String id) {
        this(id, "");
    }

    public LetterEmbedder(String id, String revision) {
        this.id = id;
        this.revision = revision;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String revision() {
        return revision;
    }

    @Override
    public int dimensions() {
        return 8;
    }

    @Override
    public float[] embed(String text) {
        float[] v = new float[8];
        v[7] = 0.01f;                                   // never the zero vector
        text.toLowerCase(Locale.ROOT).chars().filter(c -> c >= 'a' && c <= 'h').forEach(c -> v[c - 'a']++);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
