package dev.mlportfolio.core.detect;

/**
 * The model's outputs as they come, in input-tensor pixels: nothing scaled, filtered or pasted.
 *
 * @param count       instances the model returned
 * @param boxes       {@code count * 4} values, x0, y0, x1, y1 per instance
 * @param scores      {@code count} values
 * @param masks       {@code count * maskSize * maskSize} probabilities, one square per instance
 * @param maskSize    the side of each mask square (28 for CutLER)
 * @param inputHeight height of the tensor the model saw
 * @param inputWidth  width of the tensor the model saw
 */
public record RawDetections(int count, float[] boxes, float[] scores, float[] masks, int maskSize,
                            int inputHeight, int inputWidth) {
    /**
     * Checks that the arrays match the count.
     *
     * @throws IllegalArgumentException when they do not
     */
    public RawDetections {
        if (boxes.length != count * 4 || scores.length != count || masks.length != count * maskSize * maskSize) {
            throw new IllegalArgumentException("output sizes do not match " + count + " instances");
        }
    }
}
