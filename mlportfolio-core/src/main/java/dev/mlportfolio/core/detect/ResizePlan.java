package dev.mlportfolio.core.detect;

/**
 * The size an image is resized to before inference, by detectron2's ResizeShortestEdge rule:
 * short side to 800, then the long side capped at 1333, each rounded with {@code int(x + 0.5)}.
 * A side never rounds below one pixel (detectron2 would give 0 for a 1x5000 image and fail).
 */
public record ResizePlan(int sourceWidth, int sourceHeight, int width, int height) {
    public static final int SHORT_SIDE = 800;
    public static final int MAX_LONG_SIDE = 1333;

    public static ResizePlan of(int sourceWidth, int sourceHeight) {
        return of(sourceWidth, sourceHeight, SHORT_SIDE, MAX_LONG_SIDE);
    }

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
