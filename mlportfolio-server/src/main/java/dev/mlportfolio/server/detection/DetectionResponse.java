package dev.mlportfolio.server.detection;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mlportfolio.core.detect.CocoRle;
import dev.mlportfolio.core.detect.Detection;
import dev.mlportfolio.core.detect.Instance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /process-image}: the original service's fields ({@code success, image,
 * num_instances, processing_time}) plus what a client needs to use the result.
 *
 * @param image           base64 overlay picture, absent with {@code return_image=false}
 * @param processingTime  seconds from the upload being read to the answer being ready
 * @param timingsMs       milliseconds per stage
 */
public record DetectionResponse(
        boolean success,
        int numInstances,
        double processingTime,
        int width,
        int height,
        List<InstanceJson> instances,
        @JsonInclude(JsonInclude.Include.NON_NULL) String image,
        @JsonInclude(JsonInclude.Include.NON_NULL) String imageFormat,
        double threshold,
        String model,
        String executionProvider,
        Map<String, Double> timingsMs) {

    /** One instance: box {@code [x0, y0, x1, y1]} in original-image pixels, and its mask as COCO RLE. */
    public record InstanceJson(float[] box, float score, long area, MaskJson mask) {
    }

    /** COCO compressed RLE: {@code size} is {@code [height, width]}. */
    public record MaskJson(int[] size, String counts) {
    }

    static DetectionResponse of(Detection detection, String model, double decodeMs, double overlayMs, String image,
                                String imageFormat, double seconds) {
        List<InstanceJson> instances = detection.instances().stream().map(DetectionResponse::instance).toList();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("decode", round(decodeMs));
        timings.put("preprocess", round(detection.timings().preprocessMs()));
        timings.put("inference", round(detection.timings().inferenceMs()));
        timings.put("postprocess", round(detection.timings().postprocessMs()));
        timings.put("overlay", round(overlayMs));
        // The threshold is a float: widened as is it would read 0.3499999940395355; its shortest
        // decimal form is what the client sent.
        return new DetectionResponse(true, instances.size(), Math.round(seconds * 1e6) / 1e6, detection.width(),
                detection.height(), instances, image, imageFormat, Double.parseDouble(Float.toString(detection.threshold())),
                model, detection.executionProvider().id(), timings);
    }

    private static InstanceJson instance(Instance instance) {
        CocoRle rle = instance.mask().toRle();
        return new InstanceJson(instance.box().toArray(), instance.score(), instance.area(),
                new MaskJson(rle.size(), rle.counts()));
    }

    /** The model's name as its file gives it: {@code models/cutler_cascade_final.onnx} is {@code cutler_cascade_final}. */
    static String modelName(java.nio.file.Path modelPath) {
        String file = modelPath.getFileName() == null ? modelPath.toString() : modelPath.getFileName().toString();
        return file.endsWith(".onnx") ? file.substring(0, file.length() - ".onnx".length()) : file;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
