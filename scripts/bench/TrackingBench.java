import dev.mlportfolio.core.tracking.AsyncTracker;
import dev.mlportfolio.core.tracking.MlflowBackend;
import dev.mlportfolio.core.tracking.MlflowConnection;
import dev.mlportfolio.core.tracking.RunRecord;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * How many runs per second the background writer gets into a local MLflow server: prediction-sized
 * runs (8 params, 9 metrics, 4 tags) without and with artifacts (a 60 kB overlay and a 2 kB JSON).
 * Usage: TrackingBench <tracking uri> [runs]. Run by scripts/bench_tracking.sh.
 */
public class TrackingBench {
    public static void main(String[] args) {
        String uri = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        byte[] overlay = new byte[60_000];
        byte[] instances = new byte[2_000];
        new Random(1).nextBytes(overlay);
        measure(uri, "warm-up", 1, 50, null, null);
        for (int writers : new int[]{1, 2, 4, 8}) {
            measure(uri, "runs without artifacts", writers, runs, null, null);
            measure(uri, "runs with 2 artifacts (62 kB)", writers, runs, overlay, instances);
        }
    }

    private static void measure(String uri, String label, int writers, int runs, byte[] overlay, byte[] instances) {
        String experiment = "bench-" + UUID.randomUUID();
        AsyncTracker.Settings settings = AsyncTracker.Settings.defaults().withQueueCapacity(runs + 1).withWriters(writers);
        try (AsyncTracker tracker = new AsyncTracker(MlflowBackend.connect(MlflowConnection.of(uri)), settings,
                AsyncTracker.Listener.NONE)) {
            long queueStart = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                RunRecord.Builder run = RunRecord.builder(experiment, "cutler-prediction")
                        .param("model_name", "cutler").param("model_sha256", "0".repeat(64))
                        .param("execution_provider", "cpu").param("confidence_threshold", 0.35)
                        .param("image_width", 1920).param("image_height", 1080).param("image_format", "jpeg")
                        .param("return_image", true)
                        .metric("prediction_time_ms", 40 + i % 7).metric("image_size_bytes", 250_000)
                        .metric("num_instances_detected", i % 5).metric("throughput_instances_per_second", 100)
                        .metric("decode_time_ms", 8).metric("preprocess_time_ms", 3).metric("inference_time_ms", 20)
                        .metric("postprocess_time_ms", 2).metric("overlay_time_ms", 17)
                        .tag("request_id", UUID.randomUUID().toString()).tag("mode", "sync")
                        .tag("mlportfolio.version", "bench").tag("mlflow.source.name", "mlportfolio");
                if (overlay != null) {
                    run.artifact("prediction/overlay.jpg", "image/jpeg", overlay)
                            .artifact("prediction/instances.json", "application/json", instances);
                }
                tracker.log(run.build());
            }
            double queueUs = (System.nanoTime() - queueStart) / 1e3 / runs;
            if (!tracker.flush(Duration.ofMinutes(10))) {
                throw new IllegalStateException("not flushed: " + tracker.status());
            }
            double seconds = (System.nanoTime() - queueStart) / 1e9;
            System.out.printf(Locale.ROOT, "%-30s writers=%d %5d runs in %6.2f s = %6.1f runs/s; log() took %.1f us per run%n",
                    label, writers, runs, seconds, runs / seconds, queueUs);
        }
    }
}
