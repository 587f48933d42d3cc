package dev.mlportfolio.core.detect;

import java.util.List;

/**
 * What a detector found in one image.
 *
 * @param width             original image width after EXIF orientation
 * @param height            original image height after EXIF orientation
 * @param instances         objects above the confidence threshold, highest score first
 * @param threshold         the confidence threshold applied
 * @param timings           milliseconds per stage (decode, preprocess, inference, postprocess)
 * @param executionProvider where inference ran: {@code CPU} or {@code CUDA}, never {@code AUTO}
 */
public record Detection(int width, int height, List<Instance> instances, float threshold, StageTimings timings,
                        ExecutionProvider executionProvider) {
    /** Copies the instance list. */
    public Detection {
        instances = List.copyOf(instances);
    }
}
