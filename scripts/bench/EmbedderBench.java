import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mlportfolio.core.rag.embed.MiniLmEmbedder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the embedder's settings are worth, on MiniLM itself (the file MiniLmEmbedder loads; its
 * path is the first argument), each setting measured beside the one it replaced. Run by
 * scripts/bench_embedder.sh, which puts ONNX Runtime in Python beside it.
 *   latency  THREADS SPIN   one 14-token question: p50 and p99 of 300 runs after 50
 *   batching                eight questions at once: one run of 8 on 2 threads, against two
 *                           single-threaded sessions side by side running them one by one (the
 *                           old setting), per-question time
 *   memory   ROWS           resident growth after creating the session and after 5 runs of ROWS x 96
 *   load                    MiniLmEmbedder.load from the jar's bytes, extracting to a cache file, and
 *                           from that file (after one load that starts ONNX Runtime)
 */
public class EmbedderBench {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        switch (args[1]) {
            case "latency" -> latency(Path.of(args[0]), Integer.parseInt(args[2]), args[3]);
            case "batching" -> batching(Path.of(args[0]));
            case "memory" -> memory(Path.of(args[0]), Integer.parseInt(args[2]));
            case "load" -> load();
            default -> throw new IllegalArgumentException(args[1]);
        }
    }

    private static OrtSession session(Path model, int threads, String spin) throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", spin);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        return ENV.createSession(model.toString(), options);
    }

    private static void run(OrtSession session, int rows, int length) throws Exception {
        long[] shape = {rows, length};
        long[] ids = new long[rows * length];
        Arrays.fill(ids, 2000);
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        try (OnnxTensor a = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape);
             OnnxTensor b = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape);
             OnnxTensor c = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result ignored = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            // the output is not needed
        }
    }

    private static void latency(Path model, int threads, String spin) throws Exception {
        try (OrtSession session = session(model, threads, spin)) {
            for (int i = 0; i < 50; i++) {
                run(session, 1, 14);
            }
            long[] t = new long[300];
            for (int i = 0; i < t.length; i++) {
                long start = System.nanoTime();
                run(session, 1, 14);
                t[i] = System.nanoTime() - start;
            }
            Arrays.sort(t);
            System.out.printf("Java, intra-op threads %d, spinning %s: one question p50 %.2f ms, p99 %.2f ms%n",
                    threads, spin.equals("1") ? "on" : "off", t[150] / 1e6, t[297] / 1e6);
        }
    }

    private static void batching(Path model) throws Exception {
        int questions = 8, rounds = 60;
        try (OrtSession batched = session(model, 2, "1")) {
            for (int i = 0; i < 10; i++) {
                run(batched, questions, 14);
            }
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                run(batched, questions, 14);
            }
            double perQuestion = (System.nanoTime() - start) / 1e6 / (rounds * questions);
            System.out.printf("Java, one run of %d on 2 threads: %.2f ms per question%n", questions, perQuestion);
        }
        OrtSession first = session(model, 1, "0");
        OrtSession second = session(model, 1, "0");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (OrtSession s : new OrtSession[] {first, second}) {
                for (int i = 0; i < 10; i++) {
                    run(s, 1, 14);
                }
            }
            long start = System.nanoTime();
            Future<?> a = pool.submit(() -> oneByOne(first, rounds * questions / 2));
            Future<?> b = pool.submit(() -> oneByOne(second, rounds * questions / 2));
            a.get();
            b.get();
            double perQuestion = (System.nanoTime() - start) / 1e6 / (rounds * questions);
            System.out.printf("Java, single-threaded runs two side by side: %.2f ms per question%n", perQuestion);
        } finally {
            pool.shutdown();
            first.close();
            second.close();
        }
    }

    private static Void oneByOne(OrtSession session, int runs) throws Exception {
        for (int i = 0; i < runs; i++) {
            run(session, 1, 14);
        }
        return null;
    }

    private static long rssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static void memory(Path model, int rows) throws Exception {
        long before = rssMiB();
        try (OrtSession session = session(model, 2, "1")) {
            long opened = rssMiB();
            for (int i = 0; i < 5; i++) {
                run(session, rows, 96);
            }
            System.out.printf("Java, batches of %d x 96: session +%d MiB, after the runs +%d MiB more%n",
                    rows, opened - before, rssMiB() - opened);
        }
    }

    private static void load() throws Exception {
        Path folder = Files.createTempDirectory("embedder-bench");
        Path notAFolder = Files.createFile(folder.resolve("occupied"));
        Path cache = folder.resolve("cache");
        MiniLmEmbedder.load(2, folder.resolve("warm-up")).close();   // ONNX Runtime's environment and classes, once
        String[] what = {"from the jar's bytes (no cache)", "extracting to a cache file", "from the cached file"};
        Path[] caches = {notAFolder, cache, cache};
        for (int i = 0; i < what.length; i++) {
            long start = System.nanoTime();
            MiniLmEmbedder.load(2, caches[i]).close();
            System.out.printf("MiniLmEmbedder.load %s: %d ms%n", what[i], (System.nanoTime() - start) / 1_000_000);
        }
    }
}
