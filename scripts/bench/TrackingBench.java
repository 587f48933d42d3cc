import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.core.tracking.RunRecord;
import dev.mlportfolio.core.tracking.SpoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * How many runs per second the background writer gets into a local MLflow server, by writer
 * threads: RAG-query-sized runs (4 params, 9 metrics, 7 tags), prediction-sized runs with artifacts
 * (a 60 kB overlay and a 2 kB JSON), and RAG runs through the disk spool (MLFLOW_SPOOL_FSYNC
 * everysec), with what log() costs the request thread in each case.
 * Usage: TrackingBench <tracking uri> [runs] [writers, e.g. 1,4,8] [spool folder].
 * Run by scripts/bench_tracking.sh.
 */
public class TrackingBench {
    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int[] writerCounts = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[]{1, 4, 8};
        Path spoolRoot = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("bench-spool");
        byte[] overlay = new byte[60_000];
        byte[] instances = new byte[2_000];
        new Random(1).nextBytes(overlay);
        measure(uri, "warm-up", 1, 50, null, null, null);
        for (int writers : writerCounts) {
            measure(uri, "RAG runs, in memory", writers, runs, null, null, null);
            measure(uri, "RAG runs, spooled (everysec)", writers, runs, null, null,
                    new SpoolSettings(spoolRoot.resolve("spool-" + writers), 1L << 30, SpoolSettings.Fsync.EVERY_SECOND));
            measure(uri, "prediction runs + 62 kB artifacts", writers, runs / 2, overlay, instances, null);
        }
        measure(uri, "RAG runs, spooled (always)", 4, runs, null, null,
                new SpoolSettings(spoolRoot.resolve("spool-always"), 1L << 30, SpoolSettings.Fsync.ALWAYS));
    }

    private static void measure(String uri, String label, int writers, int runs, byte[] overlay, byte[] instances,
                                SpoolSettings spool) {
        String experiment = "bench-" + UUID.randomUUID();
        AsyncTracker.Settings settings = AsyncTracker.Settings.defaults().withQueueCapacity(runs + 1).withWriters(writers)
                .withSpool(spool);
        try (AsyncTracker tracker = new AsyncTracker(MlflowBackend.connect(MlflowConnection.of(uri)), settings,
                AsyncTracker.Listener.NONE)) {
            long start = System.nanoTime();
            long logNanos = 0;
            for (int i = 0; i < runs; i++) {
                RunRecord.Builder run = RunRecord.builder(experiment, overlay == null ? "rag-query" : "cutler-prediction")
                        .tag("request_id", UUID.randomUUID().toString()).tag("mode", "sync")
                        .tag("mlportfolio.kind", overlay == null ? "rag_query" : "prediction")
                        .tag("mlportfolio.version", "bench").tag("mlflow.source.name", "mlportfolio-server")
                        .tag("task_id", null).tag("mlflow.user", "bench");
                if (overlay == null) {
                    run.param("retrieval_mode", "hybrid").param("top_k", 5).param("embedding_model", "all-MiniLM-L6-v2")
                            .param("answer_mode", "extractive")
                            .metric("processing_time_ms", 3 + i % 5).metric("embedding_time_ms", 1.2)
                            .metric("retrieval_time_ms", 0.8).metric("generation_time_ms", 0.6).metric("num_sources", 5)
                            .metric("found", 1).metric("prompt_tokens", 0).metric("output_tokens", 0)
                            .metric("question_length_chars", 30);
                } else {
                    run.param("model_name", "cutler").param("model_sha256", "0".repeat(64))
                            .param("execution_provider", "cpu").param("confidence_threshold", 0.35)
                            .metric("prediction_time_ms", 40 + i % 7).metric("num_instances_detected", i % 5)
                            .artifact("prediction/overlay.jpg", "image/jpeg", overlay)
                            .artifact("prediction/instances.json", "application/json", instances);
                }
                RunRecord record = run.build();
                long before = System.nanoTime();
                tracker.log(record);
                logNanos += System.nanoTime() - before;
            }
            if (!tracker.flush(Duration.ofMinutes(10))) {
                throw new IllegalStateException("not flushed: " + tracker.status());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%-34s writers=%-2d %5d runs in %6.2f s = %6.1f runs/s; log() %.1f us per run%n",
                    label, writers, runs, seconds, runs / seconds, logNanos / 1e3 / runs);
        }
    }
}
