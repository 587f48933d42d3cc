package dev.mlportfolio.core.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns raw model outputs into instances on the original image, as detectron2's
 * {@code detector_postprocess} does after CutLER's cascade: keep scores above the threshold (at most
 * 100, best first), scale boxes from the input tensor to the original image, clip them, drop empty
 * ones, and paste each mask into its clipped box.
 */
public final class CutlerPostprocessor {
    /** Instances kept per image at most, as detectron2's {@code TEST.DETECTIONS_PER_IMAGE}. */
    public static final int MAX_DETECTIONS = 100;

    /** A postprocessor; it keeps no state. */
    public CutlerPostprocessor() {
    }

    /**
     * The instances above the threshold, in original-image pixels.
     *
     * @param raw         the model's outputs
     * @param imageWidth  the original image's width
     * @param imageHeight the original image's height
     * @param threshold   instances scoring at or below it are dropped
     * @return the instances, highest score first
     */
    public List<Instance> process(RawDetections raw, int imageWidth, int imageHeight, float threshold) {
        float scaleX = imageWidth / (float) raw.inputWidth();
        float scaleY = imageHeight / (float) raw.inputHeight();
        int[] order = IntStream.range(0, raw.count())
                .filter(i -> raw.scores()[i] > threshold)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> raw.scores()[i]).reversed())
                .limit(MAX_DETECTIONS)
                .mapToInt(Integer::intValue)
                .toArray();
        int maskArea = raw.maskSize() * raw.maskSize();
        List<Instance> instances = new ArrayList<>(order.length);
        for (int i : order) {
            float[] b = raw.boxes();
            Box box = new Box(
                    clamp(b[i * 4] * scaleX, imageWidth),
                    clamp(b[i * 4 + 1] * scaleY, imageHeight),
                    clamp(b[i * 4 + 2] * scaleX, imageWidth),
                    clamp(b[i * 4 + 3] * scaleY, imageHeight));
            if (box.isEmpty()) {
                continue;
            }
            BinaryMask mask = MaskPaster.paste(raw.masks(), i * maskArea, raw.maskSize(), box, imageWidth, imageHeight);
            instances.add(new Instance(box, raw.scores()[i], mask));
        }
        return instances;
    }

    private static float clamp(float value, int max) {
        return Math.max(0, Math.min(max, value));
    }
}
