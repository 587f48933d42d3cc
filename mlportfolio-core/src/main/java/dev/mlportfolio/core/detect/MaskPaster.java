package dev.mlportfolio.core.detect;

/**
 * Pastes a small square of mask probabilities into its box on the full image, as detectron2's
 * {@code paste_masks_in_image} does: each image pixel centre is mapped into the square with
 * {@code grid_sample(align_corners=False)} geometry, sampled bilinearly with zero padding, and kept
 * where the value is at least the threshold. Only the box plus one pixel is visited; beyond it the
 * zero padding makes every sample 0.
 *
 * <p>Bilinear sampling is separable, so each image row first blends the two mask rows it falls
 * between, and each pixel then blends two values of that row. Indices outside the square point at
 * a zero kept at the end of the row buffer, which leaves the inner loop without branches.
 */
final class MaskPaster {
    static final float THRESHOLD = 0.5f;

    private MaskPaster() {
    }

    /**
     * @param probabilities {@code size * size} values, row-major, starting at {@code offset}
     * @param box           where the square goes, in image pixels
     */
    static BinaryMask paste(float[] probabilities, int offset, int size, Box box, int imageWidth, int imageHeight) {
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
        float[] row = new float[size + 1];     // row[size] stays 0: the zero padding
        for (int ry = 0; ry < regionHeight; ry++) {
            int y0 = ys.first[ry];
            int y1 = ys.second[ry];
            float wy1 = ys.weight[ry];
            float wy0 = 1 - wy1;
            if (y0 == size && y1 == size) {
                continue;                      // the whole row samples padding
            }
            for (int k = 0; k < size; k++) {
                float a = y0 == size ? 0 : probabilities[offset + y0 * size + k];
                float b = y1 == size ? 0 : probabilities[offset + y1 * size + k];
                row[k] = wy0 * a + wy1 * b;
            }
            int out = ry * regionWidth;
            int[] first = xs.first;
            int[] second = xs.second;
            float[] weight = xs.weight;
            for (int rx = 0; rx < regionWidth; rx++) {
                float wx1 = weight[rx];
                float value = (1 - wx1) * row[first[rx]] + wx1 * row[second[rx]];
                bits[out + rx] = value >= THRESHOLD ? (byte) 1 : (byte) 0;
            }
        }
        return new BinaryMask(imageWidth, imageHeight, left, top, regionWidth, regionHeight, bits);
    }

    /**
     * For each image pixel along one axis: the two source indices it falls between (or
     * {@code size}, the padding slot, when one lies outside the square) and the upper one's weight.
     */
    private record Axis(int[] first, int[] second, float[] weight) {
        static Axis of(int start, int count, float boxStart, float boxEnd, int size) {
            int[] first = new int[count];
            int[] second = new int[count];
            float[] weight = new float[count];
            double scale = size / (double) (boxEnd - boxStart);
            for (int i = 0; i < count; i++) {
                // grid_sample with align_corners=False: u = (pixel centre - box start) / box length * size - 0.5
                double u = (start + i + 0.5 - boxStart) * scale - 0.5;
                int low = (int) Math.floor(u);
                first[i] = low >= 0 && low < size ? low : size;
                second[i] = low + 1 >= 0 && low + 1 < size ? low + 1 : size;
                weight[i] = (float) (u - low);
            }
            return new Axis(first, second, weight);
        }
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
