package dev.mlportfolio.core.detect;

/**
 * The size an image is resized to before inference, by detectron2's ResizeShortestEdge rule:
 * short side to 800, then the long side capped at 1333, each rounded with {@code int(x + 0.5)}.
 * A side never rounds below one pixel (detectron2 would give 0 for a 1x5000 image and fail).
 *
 * @param sourceWidth  the image's width
 * @param sourceHeight the image's height
 * @param width        the width to resize to
 * @param height       the height to resize to
 */
public record ResizePlan(int sourceWidth, int sourceHeight, int width, int height) {
    /** CutLER's {@code INPUT.MIN_SIZE_TEST}. */
    public static final int SHORT_SIDE = 800;
    /** CutLER's {@code INPUT.MAX_SIZE_TEST}. */
    public static final int MAX_LONG_SIDE = 1333;

    /**
     * The plan for an image with CutLER's sizes.
     *
     * @param sourceWidth  the image's width
     * @param sourceHeight the image's height
     * @return the plan
     */
    public static ResizePlan of(int sourceWidth, int sourceHeight) {
        return of(sourceWidth, sourceHeight, SHORT_SIDE, MAX_LONG_SIDE);
    }

    /**
     * The plan for an image with other sizes.
     *
     * @param sourceWidth  the image's width
     * @param sourceHeight the image's height
     * @param shortSide    the short side's target
     * @param maxLongSide  the long side's cap
     * @return the plan
     */
    public static ResizePlan of(int sourceWidth, int sourceHeight, int shortSide, int maxLongSide) {
        double h = sourceHeight;
        double w = sourceWidth;
        double scale = shortSide / Math.min(h, w);
        double newH;
        double newW;
        if (h < w) {
            newH = shortSide;
            newW = scale * w;
        } else {
            newH = scale * h;
            newW = shortSide;
        }
        if (Math.max(newH, newW) > maxLongSide) {
            double cap = maxLongSide / Math.max(newH, newW);
            newH *= cap;
            newW *= cap;
        }
        return new ResizePlan(sourceWidth, sourceHeight, Math.max(1, (int) (newW + 0.5)), Math.max(1, (int) (newH + 0.5)));
    }
}
