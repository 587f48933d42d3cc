package dev.mlportfolio.server.detection;

import dev.mlportfolio.core.detect.OverlayRenderer;
import dev.mlportfolio.core.tracking.RunOutcome;
import dev.mlportfolio.core.tracking.RunRecord;
import dev.mlportfolio.server.http.Json;
import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.tracking.ServerTracking;
import dev.mlportfolio.server.upload.ImageUpload;
import java.time.Instant;
import java.util.Locale;

/**
 * The MLflow run of one prediction: the original service's metrics ({@code prediction_time_ms},
 * {@code image_size_bytes}, {@code num_instances_detected}, {@code throughput_instances_per_second})
 * plus a time per stage, the settings as params, where the request came from as tags, and for a
 * sample of predictions the overlay and the instances as artifacts.
 */
final class PredictionRuns {
    static final String RUN_NAME = "cutler-prediction";

    private final ServerTracking tracking;
    private final String modelSha256;

    PredictionRuns(ServerTracking tracking, String modelSha256) {
        this.tracking = tracking;
        this.modelSha256 = modelSha256;
    }

    void succeeded(RunContext context, ImageUpload upload, DetectionService.Options options, DetectionResponse response,
                   byte[] overlay, Instant startedAt) {
        if (!tracking.enabled()) {
            return;
        }
        double seconds = response.processingTime();
        RunRecord.Builder run = base(context, upload, options, startedAt)
                .param("execution_provider", response.executionProvider())
                .param("image_width", response.width())
                .param("image_height", response.height())
                .metric("prediction_time_ms", seconds * 1000)
                .metric("num_instances_detected", response.numInstances())
                .metric("throughput_instances_per_second", seconds > 0 ? response.numInstances() / seconds : 0);
        response.timingsMs().forEach((stage, ms) -> run.metric(stage + "_time_ms", ms));
        if (tracking.sampleArtifacts()) {
            if (overlay != null) {
                boolean png = options.format() == OverlayRenderer.Format.PNG;
                run.artifact("prediction/overlay." + (png ? "png" : "jpg"), png ? "image/png" : "image/jpeg", overlay);
            }
            run.artifact("prediction/instances.json", "application/json", Json.bytes(response.instances()));
        }
        tracking.log(run.build());
    }

    void failed(RunContext context, ImageUpload upload, DetectionService.Options options, RuntimeException error,
                Instant startedAt) {
        if (!tracking.enabled()) {
            return;
        }
        tracking.log(base(context, upload, options, startedAt)
                .outcome(RunOutcome.FAILED)
                .tag("error", error.getClass().getSimpleName())
                .build());
    }

    private RunRecord.Builder base(RunContext context, ImageUpload upload, DetectionService.Options options,
                                   Instant startedAt) {
        return ServerTracking.newRun(tracking.predictionExperiment(), RUN_NAME, "prediction", context, startedAt)
                .param("model_name", DetectionService.MODEL)
                .param("model_sha256", modelSha256)
                .param("confidence_threshold", options.threshold())
                .param("image_format", upload.format().name().toLowerCase(Locale.ROOT))
                .param("return_image", options.returnImage())
                .metric("image_size_bytes", upload.size());
    }
}
