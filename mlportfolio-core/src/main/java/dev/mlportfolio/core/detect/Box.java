package dev.mlportfolio.core.detect;

/** An axis-aligned box in image pixels: {@code x0, y0} the top-left corner, {@code x1, y1} the bottom-right (exclusive). */
public record Box(float x0, float y0, float x1, float y1) {
    public float width() {
        return x1 - x0;
    }

    public float height() {
        return y1 - y0;
    }

    public boolean isEmpty() {
        return !(width() > 0 && height() > 0);
    }

    /** As {@code [x0, y0, x1, y1]}, the form the HTTP API uses. */
    public float[] toArray() {
        return new float[] {x0, y0, x1, y1};
    }
}
