package dev.mlportfolio.core.rag.generate;

import java.util.Arrays;

/**
 * The keys and values of {@link LlamaModel}, per layer {@code position × kvDim} floats on the heap,
 * grown by doubling as positions are added (a full 8192-token window would be 377 MB for SmolLM2;
 * a RAG answer uses about 500 positions, 23 MB).
 */
final class LlamaCache implements DecoderModel.Cache {
    private final float[][] keys;
    private final float[][] values;
    private final int kvDim;
    private int capacity;

    LlamaCache(int layers, int kvDim) {
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
        this.kvDim = kvDim;
    }

    /** Makes room for positions {@code [0, positions)}. */
    void reserve(int positions) {
        if (positions <= capacity) {
            return;
        }
        int grown = Math.max(positions, Math.max(256, capacity * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], grown * kvDim);
            values[l] = Arrays.copyOf(values[l], grown * kvDim);
        }
        capacity = grown;
    }

    /** Stores {@code count} positions' keys and values from {@code from} on. */
    void put(int layer, int from, float[] k, float[] v, int count) {
        System.arraycopy(k, 0, keys[layer], from * kvDim, count * kvDim);
        System.arraycopy(v, 0, values[layer], from * kvDim, count * kvDim);
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    @Override
    public void keep(int positions) {
        // Positions past the kept ones are overwritten before they are read again.
    }

    @Override
    public void close() {
        Arrays.fill(keys, new float[0]);
        Arrays.fill(values, new float[0]);
        capacity = 0;
    }
}
