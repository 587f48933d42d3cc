package dev.mlportfolio.server.detection;

import dev.mlportfolio.core.detect.CutlerDetector;
import dev.mlportfolio.core.detect.Detection;
import dev.mlportfolio.core.detect.OverlayRenderer;
import dev.mlportfolio.core.image.DecodedImage;
import dev.mlportfolio.core.image.InvalidImageException;
import dev.mlportfolio.server.http.ApiException;
import dev.mlportfolio.server.metrics.ServerMetrics;
import dev.mlportfolio.server.routes.ImageAnalyzer;
import dev.mlportfolio.server.tracking.RunContext;
import dev.mlportfolio.server.tracking.ServerTracking;
import dev.mlportfolio.server.upload.ImageUpload;
import io.helidon.http.Status;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code /process-image} runs: checks the options and the image header at once (so bad input
 * gets its 4xx even on the async route), then decodes, detects, draws the overlay and builds the
 * answer, recording the prediction meters and handing a run to MLflow tracking.
 *
 * <p>Query options: {@code threshold} (0..1, default {@code CONFIDENCE_THRESHOLD}),
 * {@code return_image} (true/false, default true), {@code image_format} (jpeg/png, default jpeg).
 */
public final class DetectionService implements ImageAnalyzer {
    static final String MODEL = "cutler";

    private final CutlerDetector detector;
    private final OverlayRenderer overlay = new OverlayRenderer();
    private final ServerMetrics metrics;
    private final PredictionRuns runs;
    private final String modelName;

    public DetectionService(CutlerDetector detector, ServerMetrics metrics, ServerTracking tracking, String modelSha256) {
        this.detector = detector;
        this.modelName = DetectionResponse.modelName(detector.options().modelPath());
        this.metrics = metrics;
        this.runs = new PredictionRuns(tracking, modelSha256);
    }

    /** Options of one request, checked. */
    record Options(float threshold, boolean returnImage, OverlayRenderer.Format format) {
    }

    @Override
    public Work prepare(ImageUpload upload, Map<String, String> query) {
        Options options = options(query);
        try {
            detector.decoder().inspect(upload.bytes());
        } catch (InvalidImageException e) {
            throw toApi(e);
        }
        return context -> run(upload, options, context);
    }

    private Object run(ImageUpload upload, Options options, RunContext context) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        boolean success = false;
        try (DecodedImage image = detector.decoder().decode(upload.bytes())) {
            double decodeMs = (System.nanoTime() - start) / 1e6;
            Detection found = detector.detect(image, options.threshold());
            long overlayStart = System.nanoTime();
            byte[] picture = options.returnImage() ? overlay.render(image, found.instances(), options.format()) : null;
            double overlayMs = options.returnImage() ? (System.nanoTime() - overlayStart) / 1e6 : 0;
            recordStages(found, decodeMs, overlayMs);
            success = true;
            DetectionResponse response = DetectionResponse.of(found, modelName, decodeMs, overlayMs,
                    picture == null ? null : Base64.getEncoder().encodeToString(picture),
                    options.returnImage() ? options.format().name().toLowerCase(Locale.ROOT) : null,
                    (System.nanoTime() - start) / 1e9);
            runs.succeeded(context, upload, options, response, picture, startedAt);
            return response;
        } catch (InvalidImageException e) {
            throw toApi(e);
        } catch (RuntimeException e) {
            runs.failed(context, upload, options, e, startedAt);
            throw e;
        } finally {
            metrics.prediction(MODEL, success, (System.nanoTime() - start) / 1e9);
        }
    }

    private void recordStages(Detection d, double decodeMs, double overlayMs) {
        metrics.predictionStage(MODEL, "decode", decodeMs / 1000);
        metrics.predictionStage(MODEL, "preprocess", d.timings().preprocessMs() / 1000);
        metrics.predictionStage(MODEL, "inference", d.timings().inferenceMs() / 1000);
        metrics.predictionStage(MODEL, "postprocess", d.timings().postprocessMs() / 1000);
        metrics.predictionStage(MODEL, "overlay", overlayMs / 1000);
    }

    Options options(Map<String, String> query) {
        float threshold = detector.options().confidenceThreshold();
        String raw = query.get("threshold");
        if (raw != null) {
            try {
                threshold = Float.parseFloat(raw.strip());
            } catch (NumberFormatException e) {
                throw invalid("threshold", raw, "a number from 0 to 1, e.g. 0.35");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw invalid("threshold", raw, "a number from 0 to 1, e.g. 0.35");
            }
        }
        boolean returnImage = switch (query.getOrDefault("return_image", "true").strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw invalid("return_image", query.get("return_image"), "true or false");
        };
        OverlayRenderer.Format format = switch (query.getOrDefault("image_format", "jpeg").strip().toLowerCase(Locale.ROOT)) {
            case "jpeg", "jpg" -> OverlayRenderer.Format.JPEG;
            case "png" -> OverlayRenderer.Format.PNG;
            default -> throw invalid("image_format", query.get("image_format"), "jpeg or png");
        };
        return new Options(threshold, returnImage, format);
    }

    private static ApiException invalid(String name, String value, String expected) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return ApiException.badRequest("invalid_parameter", "query parameter " + name + "=\"" + shown
                + "\" is not valid: expected " + expected);
    }

    static ApiException toApi(InvalidImageException e) {
        return switch (e.reason()) {
            case EMPTY -> ApiException.badRequest("empty_file", e.getMessage());
            case NOT_AN_IMAGE -> ApiException.unsupportedMediaType("not_an_image", e.getMessage());
            case UNSUPPORTED_FORMAT -> ApiException.unsupportedMediaType("unsupported_image_format", e.getMessage());
            case TOO_MANY_PIXELS -> new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "image_too_large",
                    e.getMessage() + " (MAX_IMAGE_PIXELS)");
            case CORRUPT -> ApiException.badRequest("invalid_image", e.getMessage());
        };
    }
}
