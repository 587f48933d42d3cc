package dev.mlportfolio.core.detect;

/**
 * An axis-aligned box in image pixels.
 *
 * @param x0 left edge
 * @param y0 top edge
 * @param x1 right edge (exclusive)
 * @param y1 bottom edge (exclusive)
 */
public record Box(float x0, float y0, float x1, float y1) {
    /**
     * The box's width.
     *
     * @return {@code x1 - x0}
     */
    public float width() {
        return x1 - x0;
    }

    /**
     * The box's height.
     *
     * @return {@code y1 - y0}
     */
    public float height() {
        return y1 - y0;
    }

    /**
     * Whether the box covers no area.
     *
     * @return true when its width or height is not positive
     */
    public boolean isEmpty() {
        return !(width() > 0 && height() > 0);
    }

    /**
     * The box as an array, the form the HTTP API uses.
     *
     * @return {@code [x0, y0, x1, y1]}
     */
    public float[] toArray() {
        return new float[] {x0, y0, x1, y1};
    }
}
