package dev.mlportfolio.core.rag.generate;

/**
 * A causal language model as the decoding loop ({@link JlamaEngine}) drives it: greedy next
 * tokens over a key-value cache. Two engines implement it: {@link LlamaModel}, this project's
 * forward pass for Llama-architecture models, and {@link JlamaDecoder} for the others Jlama runs.
 */
interface DecoderModel extends AutoCloseable {
    /** The keys and values of the positions run so far. */
    interface Cache extends AutoCloseable {
        /** Keeps positions {@code [0, positions)} and forgets the rest. */
        void keep(int positions);

        @Override
        void close();
    }

    /** {@return the context window, in tokens} */
    int contextLength();

    /** {@return a new, empty cache} */
    Cache newCache();

    /**
     * Runs {@code tokens[from, to)} at positions {@code from..to-1} (the cache holds the positions
     * before {@code from}) and returns the most likely token after the last one.
     */
    int next(int[] tokens, int from, int to, Cache cache);

    /** {@return which engine and weights run, for /rag/info} */
    String engine();

    @Override
    void close();
}
