package dev.mlportfolio.core.detect;

/**
 * Pastes a small square of mask probabilities into its box on the full image, as detectron2's
 * {@code paste_masks_in_image} does: each image pixel centre is mapped into the square with
 * {@code grid_sample(align_corners=False)} geometry, sampled bilinearly with zero padding, and kept
 * where the value is at least the threshold. Only the box plus one pixel is visited; beyond it the
 * zero padding makes every sample 0.
 */
public final class MaskPaster {
    public static final float THRESHOLD = 0.5f;

    private MaskPaster() {
    }

    /**
     * @param probabilities {@code size * size} values, row-major, starting at {@code offset}
     * @param box           where the square goes, in image pixels
     */
    public static BinaryMask paste(float[] probabilities, int offset, int size, Box box, int imageWidth, int imageHeight) {
        int left = clamp((int) Math.floor(box.x0()) - 1, 0, imageWidth);
        int right = clamp((int) Math.ceil(box.x1()) + 1, 0, imageWidth);
        int top = clamp((int) Math.floor(box.y0()) - 1, 0, imageHeight);
        int bottom = clamp((int) Math.ceil(box.y1()) + 1, 0, imageHeight);
        int regionWidth = right - left;
        int regionHeight = bottom - top;
        byte[] bits = new byte[regionWidth * regionHeight];
        if (regionWidth == 0 || regionHeight == 0 || box.isEmpty()) {
            return new BinaryMask(imageWidth, imageHeight, left, top, regionWidth, regionHeight, bits);
        }
        Axis xs = Axis.of(left, regionWidth, box.x0(), box.x1(), size);
        Axis ys = Axis.of(top, regionHeight, box.y0(), box.y1(), size);
        for (int ry = 0; ry < regionHeight; ry++) {
            int y0 = ys.low[ry];
            float wy1 = ys.weight[ry];
            float wy0 = 1 - wy1;
            boolean row0 = y0 >= 0 && y0 < size;
            boolean row1 = y0 + 1 >= 0 && y0 + 1 < size;
            if (!row0 && !row1) {
                continue;
            }
            int base0 = offset + y0 * size;
            int base1 = base0 + size;
            int out = ry * regionWidth;
            for (int rx = 0; rx < regionWidth; rx++) {
                int x0 = xs.low[rx];
                float wx1 = xs.weight[rx];
                float wx0 = 1 - wx1;
                boolean col0 = x0 >= 0 && x0 < size;
                boolean col1 = x0 + 1 >= 0 && x0 + 1 < size;
                float value = 0;
                if (row0) {
                    if (col0) {
                        value += wy0 * wx0 * probabilities[base0 + x0];
                    }
                    if (col1) {
                        value += wy0 * wx1 * probabilities[base0 + x0 + 1];
                    }
                }
                if (row1) {
                    if (col0) {
                        value += wy1 * wx0 * probabilities[base1 + x0];
                    }
                    if (col1) {
                        value += wy1 * wx1 * probabilities[base1 + x0 + 1];
                    }
                }
                bits[out + rx] = value >= THRESHOLD ? (byte) 1 : (byte) 0;
            }
        }
        return new BinaryMask(imageWidth, imageHeight, left, top, regionWidth, regionHeight, bits);
    }

    /** For each image pixel along one axis: the lower source index and the weight of the upper one. */
    private record Axis(int[] low, float[] weight) {
        static Axis of(int start, int count, float boxStart, float boxEnd, int size) {
            int[] low = new int[count];
            float[] weight = new float[count];
            double scale = size / (double) (boxEnd - boxStart);
            for (int i = 0; i < count; i++) {
                // grid_sample with align_corners=False: u = (pixel centre - box start) / box length * size - 0.5
                double u = (start + i + 0.5 - boxStart) * scale - 0.5;
                double floor = Math.floor(u);
                low[i] = (int) floor;
                weight[i] = (float) (u - floor);
            }
            return new Axis(low, weight);
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
