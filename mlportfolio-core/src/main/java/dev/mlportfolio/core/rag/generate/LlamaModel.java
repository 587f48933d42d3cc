package dev.mlportfolio.core.rag.generate;

import java.nio.file.Path;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This project's forward pass for Llama-architecture models (Llama 2/3, SmolLM, TinyLlama: RMS
 * norm, rotary embeddings in the Hugging Face half-split layout, grouped-query attention, SwiGLU),
 * on the Vector API, written because Jlama's runs at 0.3x llama.cpp on a small model and its
 * native operations give wrong tokens on AVX-512 (docs/benchmarks.md). Weights are F32 (the exact
 * path, token for token equal to llama.cpp on the same weights) or 8-bit rows
 * ({@link WeightMatrix.Int8}). Every token of a batch goes through each matrix together, so
 * a prompt reads the weights once per four tokens; a generated token is a batch of one. The work
 * of each step is split over {@link ForwardWorkers}.
 */
final class LlamaModel implements DecoderModel {
    private static final VectorSpecies<Float> FLOATS = WeightMatrix.FLOATS;
    /** The vector width the hidden, feed-forward and head sizes must be multiples of. */
    static final int LANES = FLOATS.length();

    private record Layer(float[] attentionNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v, WeightMatrix o,
                         float[] mlpNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {
    }

    private final LlamaConfig config;
    private final Layer[] layers;
    private final WeightMatrix embedding;
    private final WeightMatrix output;
    private final float[] finalNorm;
    private final boolean int8;
    private final ForwardWorkers workers;
    // cos and sin of position p, pair i at [p * half + i]: the rotary embedding's angles, once.
    private final float[] cos;
    private final float[] sin;

    private LlamaModel(LlamaConfig config, Layer[] layers, WeightMatrix embedding, WeightMatrix output, float[] finalNorm,
                       boolean int8, int threads) {
        this.config = config;
        this.layers = layers;
        this.embedding = embedding;
        this.output = output;
        this.finalNorm = finalNorm;
        this.int8 = int8;
        this.workers = new ForwardWorkers(threads);
        int half = config.headDim() / 2;
        this.cos = new float[config.context() * half];
        this.sin = new float[config.context() * half];
        for (int i = 0; i < half; i++) {
            float frequency = (float) (1.0 / Math.pow(config.ropeTheta(), 2.0 * i / config.headDim()));
            for (int p = 0; p < config.context(); p++) {
                float angle = p * frequency;
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /** {@return whether this engine runs a model of this shape} */
    static boolean runs(LlamaConfig config) {
        return config.heads() > 0 && config.kvHeads() > 0 && config.heads() % config.kvHeads() == 0
                && config.dim() % config.heads() == 0 && config.headDim() % LANES == 0
                && config.dim() % LANES == 0 && config.hidden() % LANES == 0;
    }

    /**
     * Loads an F32 folder.
     *
     * @param int8    whether to quantize the matrices to 8-bit rows at load
     * @param threads how many threads each step uses (the caller is one)
     */
    static LlamaModel load(Path folder, LlamaConfig config, boolean int8, int threads) {
        Safetensors tensors = Safetensors.open(folder);
        int dim = config.dim();
        int kv = config.kvDim();
        Layer[] layers = new Layer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(tensors.floats(p + "input_layernorm.weight", dim),
                    matrix(tensors, p + "self_attn.q_proj.weight", dim, dim, int8),
                    matrix(tensors, p + "self_attn.k_proj.weight", kv, dim, int8),
                    matrix(tensors, p + "self_attn.v_proj.weight", kv, dim, int8),
                    matrix(tensors, p + "self_attn.o_proj.weight", dim, dim, int8),
                    tensors.floats(p + "post_attention_layernorm.weight", dim),
                    matrix(tensors, p + "mlp.gate_proj.weight", config.hidden(), dim, int8),
                    matrix(tensors, p + "mlp.up_proj.weight", config.hidden(), dim, int8),
                    matrix(tensors, p + "mlp.down_proj.weight", dim, config.hidden(), int8));
        }
        WeightMatrix embedding = matrix(tensors, "model.embed_tokens.weight", config.vocabulary(), dim, int8);
        WeightMatrix output = config.tied() || !tensors.has("lm_head.weight") ? embedding
                : matrix(tensors, "lm_head.weight", config.vocabulary(), dim, int8);
        return new LlamaModel(config, layers, embedding, output, tensors.floats("model.norm.weight", dim), int8, threads);
    }

    private static WeightMatrix matrix(Safetensors tensors, String name, int rows, int cols, boolean int8) {
        return WeightMatrix.of(tensors.floats(name, rows, cols), rows, cols, int8);
    }

    @Override
    public int contextLength() {
        return config.context();
    }

    @Override
    public String engine() {
        return int8 ? "mlportfolio-llama/int8" : "mlportfolio-llama/f32";
    }

    @Override
    public Cache newCache() {
        return new LlamaCache(config.layers(), config.kvDim());
    }

    @Override
    public int next(int[] tokens, int from, int to, Cache cache) {
        return argmax(logits(tokens, from, to, cache));
    }

    /** Runs {@code tokens[from, to)} as {@link #next} does and returns the logits after the last one. */
    float[] logits(int[] tokens, int from, int to, Cache cache) {
        LlamaCache kv = (LlamaCache) cache;
        int count = to - from;
        int dim = config.dim();
        int kvDim = config.kvDim();
        kv.reserve(to);
        float[] x = new float[count * dim];
        for (int t = 0; t < count; t++) {
            embedding.row(tokens[from + t], x, t * dim);
        }
        float[] h = new float[count * dim];
        float[] q = new float[count * dim];
        float[] k = new float[count * kvDim];
        float[] v = new float[count * kvDim];
        float[] attended = new float[count * dim];
        float[] projected = new float[count * dim];
        float[] gate = new float[count * config.hidden()];
        float[] up = new float[count * config.hidden()];
        float[][] scores = new float[workers.parts()][to];
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            rmsNorm(x, layer.attentionNorm, h, count);
            workers.run((part, parts) -> {
                apply(layer.q, h, count, q, part, parts);
                apply(layer.k, h, count, k, part, parts);
                apply(layer.v, h, count, v, part, parts);
            });
            for (int t = 0; t < count; t++) {
                rotate(q, t * dim, config.heads(), from + t);
                rotate(k, t * kvDim, config.kvHeads(), from + t);
            }
            kv.put(l, from, k, v, count);
            int layerIndex = l;
            workers.run((part, parts) -> attend(kv, layerIndex, q, attended, from, count, scores[part], part, parts));
            workers.run((part, parts) -> apply(layer.o, attended, count, projected, part, parts));
            add(x, projected);
            rmsNorm(x, layer.mlpNorm, h, count);
            workers.run((part, parts) -> {
                apply(layer.gate, h, count, gate, part, parts);
                apply(layer.up, h, count, up, part, parts);
            });
            swiGlu(gate, up);
            workers.run((part, parts) -> apply(layer.down, gate, count, projected, part, parts));
            add(x, projected);
        }
        float[] last = new float[dim];
        rmsNorm(java.util.Arrays.copyOfRange(x, (count - 1) * dim, count * dim), finalNorm, last, 1);
        float[] logits = new float[config.vocabulary()];
        workers.run((part, parts) -> apply(output, last, 1, logits, part, parts));
        return logits;
    }

    private static void apply(WeightMatrix w, float[] x, int tokens, float[] out, int part, int parts) {
        w.apply(x, tokens, out, (int) ((long) w.rows * part / parts), (int) ((long) w.rows * (part + 1) / parts));
    }

    /** Causal attention of each new token's heads over the cached positions up to its own. */
    private void attend(LlamaCache kv, int layer, float[] q, float[] out, int from, int count, float[] scores, int part,
                        int parts) {
        int heads = config.heads();
        int headDim = config.headDim();
        int group = heads / config.kvHeads();
        int kvDim = config.kvDim();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] keys = kv.keys(layer);
        float[] values = kv.values(layer);
        int jobs = count * heads;
        for (int job = jobs * part / parts; job < jobs * (part + 1) / parts; job++) {
            int t = job / heads;
            int head = job % heads;
            int qAt = t * config.dim() + head * headDim;
            int kvAt = (head / group) * headDim;
            int positions = from + t + 1;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < positions; p++) {
                FloatVector sum = FloatVector.zero(FLOATS);
                int keyAt = p * kvDim + kvAt;
                for (int d = 0; d < headDim; d += FLOATS.length()) {
                    sum = FloatVector.fromArray(FLOATS, q, qAt + d).fma(FloatVector.fromArray(FLOATS, keys, keyAt + d), sum);
                }
                float score = sum.reduceLanes(VectorOperators.ADD) * scale;
                scores[p] = score;
                max = Math.max(max, score);
            }
            float total = 0;
            for (int p = 0; p < positions; p++) {
                float e = (float) Math.exp(scores[p] - max);
                scores[p] = e;
                total += e;
            }
            float inverse = 1 / total;
            // One pass over the cached values, each position's row read whole; the output row stays in L1.
            java.util.Arrays.fill(out, qAt, qAt + headDim, 0f);
            for (int p = 0; p < positions; p++) {
                FloatVector weight = FloatVector.broadcast(FLOATS, scores[p] * inverse);
                int valueAt = p * kvDim + kvAt;
                for (int d = 0; d < headDim; d += FLOATS.length()) {
                    FloatVector.fromArray(FLOATS, values, valueAt + d).fma(weight, FloatVector.fromArray(FLOATS, out, qAt + d))
                            .intoArray(out, qAt + d);
                }
            }
        }
    }

    /** The rotary embedding at {@code position}, Hugging Face layout: pairs (i, i + headDim/2) of each head. */
    private void rotate(float[] values, int offset, int heads, int position) {
        int headDim = config.headDim();
        int half = headDim / 2;
        int angles = position * half;
        for (int head = 0; head < heads; head++) {
            int at = offset + head * headDim;
            for (int i = 0; i < half; i++) {
                float c = cos[angles + i];
                float s = sin[angles + i];
                float a = values[at + i];
                float b = values[at + i + half];
                values[at + i] = a * c - b * s;
                values[at + i + half] = b * c + a * s;
            }
        }
    }

    private void rmsNorm(float[] x, float[] weight, float[] out, int tokens) {
        int dim = config.dim();
        for (int t = 0; t < tokens; t++) {
            int at = t * dim;
            double squares = 0;
            for (int i = 0; i < dim; i++) {
                squares += (double) x[at + i] * x[at + i];
            }
            float scale = (float) (1.0 / Math.sqrt((float) (squares / dim) + config.normEps()));
            for (int i = 0; i < dim; i++) {
                out[at + i] = x[at + i] * scale * weight[i];
            }
        }
    }

    private static void add(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    private static void swiGlu(float[] gate, float[] up) {
        for (int i = 0; i < gate.length; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1 + Math.exp(-g))) * up[i];
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        workers.close();
    }
}
