package dev.mlportfolio.core.rag.generate;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A linear layer's weights, {@code rows × cols} row-major, applied to rows of activations:
 * {@code out[t][r] = dot(W[r], x[t])}. Either the F32 weights as they are (the exact path) or
 * each row as 8-bit integers with one scale per row (a quarter of the memory traffic per generated
 * token, which is what bounds generation speed). The kernels meet two weight rows with four
 * activation rows at a time (eight accumulators in registers), so a prompt loads each weight once
 * per four tokens and each activation once per two rows. Every output is one accumulator summed
 * over the columns in order, whichever kernel computed it, so a token's result does not depend on
 * the batch it ran in (the cached prompt prefix gives the same tokens as a fresh run). The F32 and
 * 8-bit loops are written out separately so that each compiles to straight vector code.
 */
abstract sealed class WeightMatrix permits WeightMatrix.F32, WeightMatrix.Int8 {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    // As many bytes as FLOATS has lanes: one byte vector widens into one float vector.
    static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * 8));

    // Tokens per pass over the rows: 64 rows of activations (147 KB at 576 values, 393 KB at 1536)
    // stay in a core's L2 cache while every weight row meets them.
    static final int TOKEN_BLOCK = 64;

    final int rows;
    final int cols;

    private WeightMatrix(int rows, int cols) {
        if (cols % FLOATS.length() != 0) {
            throw new IllegalArgumentException("a row of " + cols + " values is not a multiple of " + FLOATS.length());
        }
        this.rows = rows;
        this.cols = cols;
    }

    static WeightMatrix of(float[] values, int rows, int cols, boolean int8) {
        return int8 ? Int8.quantize(values, rows, cols) : new F32(values, rows, cols);
    }

    /**
     * Rows {@code [from, to)} of {@code out[t * rows + r]} for the {@code tokens} activation rows of
     * {@code x} ({@code cols} values each).
     */
    abstract void apply(float[] x, int tokens, float[] out, int from, int to);

    /** Row {@code r} as floats into {@code out} (an embedding lookup). */
    abstract void row(int r, float[] out, int offset);

    /** The F32 weights, unchanged. */
    static final class F32 extends WeightMatrix {
        private final float[] w;

        F32(float[] w, int rows, int cols) {
            super(rows, cols);
            this.w = w;
        }

        @Override
        void apply(float[] x, int tokens, float[] out, int from, int to) {
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_BLOCK) {
                int t1 = Math.min(tokens, t0 + TOKEN_BLOCK);
                int r = from;
                for (; r + 2 <= to; r += 2) {
                    int t = t0;
                    for (; t + 4 <= t1; t += 4) {
                        twoRowsFourTokens(x, out, r, t);
                    }
                    for (; t < t1; t++) {
                        twoRowsOneToken(x, out, r, t);
                    }
                }
                for (; r < to; r++) {
                    for (int t = t0; t < t1; t++) {
                        out[t * rows + r] = dot(r * cols, x, t * cols);
                    }
                }
            }
        }

        private void twoRowsFourTokens(float[] x, float[] out, int r, int t) {
            int w0 = r * cols;
            int w1 = w0 + cols;
            int x0 = t * cols;
            int x1 = x0 + cols;
            int x2 = x1 + cols;
            int x3 = x2 + cols;
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int k = 0; k < cols; k += FLOATS.length()) {
                FloatVector wa = FloatVector.fromArray(FLOATS, w, w0 + k);
                FloatVector wb = FloatVector.fromArray(FLOATS, w, w1 + k);
                FloatVector v = FloatVector.fromArray(FLOATS, x, x0 + k);
                a0 = wa.fma(v, a0);
                b0 = wb.fma(v, b0);
                v = FloatVector.fromArray(FLOATS, x, x1 + k);
                a1 = wa.fma(v, a1);
                b1 = wb.fma(v, b1);
                v = FloatVector.fromArray(FLOATS, x, x2 + k);
                a2 = wa.fma(v, a2);
                b2 = wb.fma(v, b2);
                v = FloatVector.fromArray(FLOATS, x, x3 + k);
                a3 = wa.fma(v, a3);
                b3 = wb.fma(v, b3);
            }
            store(out, t, r, a0, b0);
            store(out, t + 1, r, a1, b1);
            store(out, t + 2, r, a2, b2);
            store(out, t + 3, r, a3, b3);
        }

        private void twoRowsOneToken(float[] x, float[] out, int r, int t) {
            int w0 = r * cols;
            int w1 = w0 + cols;
            int x0 = t * cols;
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector b0 = a0;
            for (int k = 0; k < cols; k += FLOATS.length()) {
                FloatVector v = FloatVector.fromArray(FLOATS, x, x0 + k);
                a0 = FloatVector.fromArray(FLOATS, w, w0 + k).fma(v, a0);
                b0 = FloatVector.fromArray(FLOATS, w, w1 + k).fma(v, b0);
            }
            store(out, t, r, a0, b0);
        }

        private float dot(int w0, float[] x, int x0) {
            FloatVector a0 = FloatVector.zero(FLOATS);
            for (int k = 0; k < cols; k += FLOATS.length()) {
                a0 = FloatVector.fromArray(FLOATS, w, w0 + k).fma(FloatVector.fromArray(FLOATS, x, x0 + k), a0);
            }
            return a0.reduceLanes(VectorOperators.ADD);
        }

        private void store(float[] out, int t, int r, FloatVector a, FloatVector b) {
            out[t * rows + r] = a.reduceLanes(VectorOperators.ADD);
            out[t * rows + r + 1] = b.reduceLanes(VectorOperators.ADD);
        }

        @Override
        void row(int r, float[] out, int offset) {
            System.arraycopy(w, r * cols, out, offset, cols);
        }
    }

    /** Symmetric 8-bit rows: {@code W[r][k] ≈ q[r][k] · scale[r]}, {@code q} in [-127, 127]. */
    static final class Int8 extends WeightMatrix {
        private final byte[] q;
        private final float[] scale;

        private Int8(byte[] q, float[] scale, int rows, int cols) {
            super(rows, cols);
            this.q = q;
            this.scale = scale;
        }

        static Int8 quantize(float[] w, int rows, int cols) {
            byte[] q = new byte[Math.multiplyExact(rows, cols)];
            float[] scale = new float[rows];
            for (int r = 0; r < rows; r++) {
                int row = r * cols;
                float max = 0;
                for (int k = 0; k < cols; k++) {
                    max = Math.max(max, Math.abs(w[row + k]));
                }
                float s = max / 127f;
                scale[r] = s;
                float inverse = s == 0 ? 0 : 1 / s;
                for (int k = 0; k < cols; k++) {
                    q[row + k] = (byte) Math.round(w[row + k] * inverse);
                }
            }
            return new Int8(q, scale, rows, cols);
        }

        private FloatVector weights(int at) {
            return (FloatVector) ByteVector.fromArray(BYTES, q, at).convertShape(VectorOperators.B2F, FLOATS, 0);
        }

        @Override
        void apply(float[] x, int tokens, float[] out, int from, int to) {
            for (int t0 = 0; t0 < tokens; t0 += TOKEN_BLOCK) {
                int t1 = Math.min(tokens, t0 + TOKEN_BLOCK);
                int r = from;
                for (; r + 2 <= to; r += 2) {
                    int t = t0;
                    for (; t + 4 <= t1; t += 4) {
                        twoRowsFourTokens(x, out, r, t);
                    }
                    for (; t < t1; t++) {
                        twoRowsOneToken(x, out, r, t);
                    }
                }
                for (; r < to; r++) {
                    for (int t = t0; t < t1; t++) {
                        out[t * rows + r] = scale[r] * dot(r * cols, x, t * cols);
                    }
                }
            }
        }

        private void twoRowsFourTokens(float[] x, float[] out, int r, int t) {
            int w0 = r * cols;
            int w1 = w0 + cols;
            int x0 = t * cols;
            int x1 = x0 + cols;
            int x2 = x1 + cols;
            int x3 = x2 + cols;
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int k = 0; k < cols; k += FLOATS.length()) {
                FloatVector wa = weights(w0 + k);
                FloatVector wb = weights(w1 + k);
                FloatVector v = FloatVector.fromArray(FLOATS, x, x0 + k);
                a0 = wa.fma(v, a0);
                b0 = wb.fma(v, b0);
                v = FloatVector.fromArray(FLOATS, x, x1 + k);
                a1 = wa.fma(v, a1);
                b1 = wb.fma(v, b1);
                v = FloatVector.fromArray(FLOATS, x, x2 + k);
                a2 = wa.fma(v, a2);
                b2 = wb.fma(v, b2);
                v = FloatVector.fromArray(FLOATS, x, x3 + k);
                a3 = wa.fma(v, a3);
                b3 = wb.fma(v, b3);
            }
            store(out, t, r, a0, b0);
            store(out, t + 1, r, a1, b1);
            store(out, t + 2, r, a2, b2);
            store(out, t + 3, r, a3, b3);
        }

        private void twoRowsOneToken(float[] x, float[] out, int r, int t) {
            int w0 = r * cols;
            int w1 = w0 + cols;
            int x0 = t * cols;
            FloatVector a0 = FloatVector.zero(FLOATS);
            FloatVector b0 = a0;
            for (int k = 0; k < cols; k += FLOATS.length()) {
                FloatVector v = FloatVector.fromArray(FLOATS, x, x0 + k);
                a0 = weights(w0 + k).fma(v, a0);
                b0 = weights(w1 + k).fma(v, b0);
            }
            store(out, t, r, a0, b0);
        }

        private float dot(int w0, float[] x, int x0) {
            FloatVector a0 = FloatVector.zero(FLOATS);
            for (int k = 0; k < cols; k += FLOATS.length()) {
                a0 = weights(w0 + k).fma(FloatVector.fromArray(FLOATS, x, x0 + k), a0);
            }
            return a0.reduceLanes(VectorOperators.ADD);
        }

        private void store(float[] out, int t, int r, FloatVector a, FloatVector b) {
            out[t * rows + r] = scale[r] * a.reduceLanes(VectorOperators.ADD);
            out[t * rows + r + 1] = scale[r + 1] * b.reduceLanes(VectorOperators.ADD);
        }

        @Override
        void row(int r, float[] out, int offset) {
            int row = r * cols;
            for (int k = 0; k < cols; k++) {
                out[offset + k] = q[row + k] * scale[r];
            }
        }
    }
}
