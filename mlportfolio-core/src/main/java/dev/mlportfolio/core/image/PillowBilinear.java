package dev.mlportfolio.core.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * PIL's {@code Image.resize(size, Image.BILINEAR)} on 8-bit, 3-channel pixels, bit for bit: the
 * resize detectron2's {@code ResizeShortestEdge} applies, so the tensor CutLER sees here is the one
 * it sees under its own predictor.
 *
 * <p>Pillow resamples separably (horizontal pass into an 8-bit image, then vertical pass; the other
 * way round when the vertical pass removes more than twice as many rows as the horizontal one
 * removes columns, since Pillow 13) with a triangle
 * filter whose support widens by the scale factor when shrinking (antialiasing). Each output is a
 * fixed-point sum: the double coefficients are normalised, rounded to 22 fractional bits, summed
 * with a rounding half and shifted back. The 8-bit rounding between the passes is part of the
 * result, so the two passes and their order are kept exactly. OpenCV has no filter with this
 * arithmetic (INTER_AREA is a box filter, INTER_LINEAR does not widen), and no Java library
 * reproduces Pillow's coefficients, so it is written here against Pillow's
 * {@code src/libImaging/Resample.c} and tested against Pillow 13.0 itself. Older Pillow always
 * resamples horizontally first (12.3 only for images over 100 times taller than wide), so under
 * those versions detectron2's tensor differs from this one by a grey level here and there on
 * images that shrink mostly vertically (portraits more than twice as tall as wide).
 *
 * <p>Speed: the vertical pass is a multiply-add over whole rows; the horizontal pass walks each
 * output pixel's few taps for the three channels at once; large images run as two halves.
 */
public final class PillowBilinear {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final int CHANNELS = 3;
    private static final long PARALLEL_MIN_OUTPUTS = 200_000;

    private PillowBilinear() {
    }

    /**
     * Resizes an 8-bit, 3-channel matrix into a new matrix the caller closes.
     *
     * @param source the image
     * @param width  the new width, at least 1
     * @param height the new height, at least 1
     * @return the resized image
     * @throws IllegalArgumentException when the matrix is not 8-bit, 3-channel or the size is empty
     */
    public static Mat resize(Mat source, int width, int height) {
        if (source.channels() != CHANNELS || source.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit, 3-channel matrix");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("size must be at least 1x1, got " + width + "x" + height);
        }
        Mat target = new Mat(height, width, CV_8UC3);
        Mat continuous = source.isContinuous() ? source : source.clone();
        try {
            resize(continuous.data().capacity((long) continuous.rows() * continuous.cols() * CHANNELS).asByteBuffer(),
                    continuous.cols(), continuous.rows(),
                    target.data().capacity((long) width * height * CHANNELS).asByteBuffer(), width, height);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        } finally {
            if (continuous != source) {
                continuous.close();
            }
        }
        return target;
    }

    /**
     * Resizes interleaved 3-channel rows (no padding) of {@code source} into {@code target}.
     * Channel order does not matter: each channel is resampled on its own.
     *
     * @param source       {@code sourceWidth * sourceHeight * 3} bytes
     * @param sourceWidth  the source's width
     * @param sourceHeight the source's height
     * @param target       {@code width * height * 3} bytes, written
     * @param width        the new width
     * @param height       the new height
     */
    public static void resize(ByteBuffer source, int sourceWidth, int sourceHeight, ByteBuffer target, int width, int height) {
        boolean horizontal = width != sourceWidth;
        boolean vertical = height != sourceHeight;
        if (!horizontal && !vertical) {
            target.put(0, source, 0, width * height * CHANNELS);
        } else if (!vertical) {
            byte[] out = horizontal(source, sourceWidth, 0, sourceHeight, Taps.of(sourceWidth, width), width);
            target.put(0, out, 0, out.length);
        } else if (!horizontal) {
            vertical(rows(source, sourceWidth, sourceHeight), sourceWidth, Taps.of(sourceHeight, height), 0, target);
        } else if (sourceHeight - height > 0 && sourceHeight - height > (sourceWidth - width) * 2) {
            // Pillow 13 takes the vertical pass first when it removes more than twice as many rows
            // as the horizontal pass removes columns (Resample.c, horizontal_first).
            ByteBuffer tall = ByteBuffer.allocate(sourceWidth * height * CHANNELS);
            vertical(rows(source, sourceWidth, sourceHeight), sourceWidth, Taps.of(sourceHeight, height), 0, tall);
            byte[] out = horizontal(tall, sourceWidth, 0, height, Taps.of(sourceWidth, width), width);
            target.put(0, out, 0, out.length);
        } else {
            Taps rows = Taps.of(sourceHeight, height);
            int first = rows.first();
            byte[] wide = horizontal(source, sourceWidth, first, rows.last() - first, Taps.of(sourceWidth, width), width);
            vertical(wide, width, rows, first, target);
        }
    }

    private static byte[] rows(ByteBuffer source, int width, int height) {
        if (source.hasArray() && source.arrayOffset() == 0) {
            return source.array();
        }
        byte[] copy = new byte[width * height * CHANNELS];
        source.get(0, copy);
        return copy;
    }

    /** Horizontal pass over {@code rows} source rows from {@code firstRow}, into a new array. */
    private static byte[] horizontal(ByteBuffer source, int sourceWidth, int firstRow, int rows, Taps taps, int width) {
        byte[] out = new byte[width * CHANNELS * rows];
        inHalves(rows, width, (from, to) -> horizontal(source, sourceWidth, firstRow, from, to, taps, width, out));
        return out;
    }

    private static void horizontal(ByteBuffer source, int sourceWidth, int firstRow, int from, int to, Taps taps,
                                   int width, byte[] out) {
        int sourceStride = sourceWidth * CHANNELS;
        int stride = width * CHANNELS;
        byte[] in = new byte[sourceStride];
        int[] start = taps.start;
        int[] count = taps.count;
        int[] k = taps.weights;
        int size = taps.size;
        for (int y = from, o = from * stride; y < to; y++) {
            source.get((firstRow + y) * sourceStride, in, 0, sourceStride);
            for (int x = 0; x < width; x++) {
                int p = start[x] * CHANNELS;
                int w = x * size;
                int end = w + count[x];
                int s0 = HALF;
                int s1 = HALF;
                int s2 = HALF;
                // Two taps per step: shorter add chains (int sums wrap like Pillow's, in any order).
                for (; w + 1 < end; w += 2, p += 2 * CHANNELS) {
                    int k0 = k[w];
                    int k1 = k[w + 1];
                    s0 += (in[p] & 0xff) * k0 + (in[p + 3] & 0xff) * k1;
                    s1 += (in[p + 1] & 0xff) * k0 + (in[p + 4] & 0xff) * k1;
                    s2 += (in[p + 2] & 0xff) * k0 + (in[p + 5] & 0xff) * k1;
                }
                if (w < end) {
                    int kw = k[w];
                    s0 += (in[p] & 0xff) * kw;
                    s1 += (in[p + 1] & 0xff) * kw;
                    s2 += (in[p + 2] & 0xff) * kw;
                }
                out[o++] = clip(s0);
                out[o++] = clip(s1);
                out[o++] = clip(s2);
            }
        }
    }

    /** Vertical pass; {@code rowOffset} is the source row that row 0 of {@code source} holds. */
    private static void vertical(byte[] source, int width, Taps taps, int rowOffset, ByteBuffer target) {
        inHalves(taps.start.length, width, (from, to) -> vertical(source, width, taps, rowOffset, from, to, target));
    }

    private static void vertical(byte[] source, int width, Taps taps, int rowOffset, int from, int to, ByteBuffer target) {
        int stride = width * CHANNELS;
        int[] sum = new int[stride];
        byte[] out = new byte[stride];
        for (int y = from; y < to; y++) {
            java.util.Arrays.fill(sum, HALF);
            int w = y * taps.size;
            int first = taps.start[y] - rowOffset;
            for (int t = 0; t < taps.count[y]; t++) {
                addScaled(sum, source, (first + t) * stride, taps.weights[w + t]);
            }
            for (int i = 0; i < stride; i++) {
                out[i] = clip(sum[i]);
            }
            target.put(y * stride, out, 0, stride);
        }
    }

    /**
     * Runs {@code rows} output rows as two halves, one in the common pool, when there are enough
     * outputs to pay for it: OpenCV's resize, which this replaced, also uses every core, and one
     * thread of this port runs at about Pillow's own speed, well behind OpenCV's INTER_AREA
     * (docs/benchmarks.md). Each row depends only on the input, so the halves give the same bytes
     * as one pass. (The common pool has at least one thread; the caller runs the other half.)
     */
    private static void inHalves(int rows, int width, RowRange pass) {
        if ((long) rows * width < PARALLEL_MIN_OUTPUTS || rows < 2) {
            pass.run(0, rows);
            return;
        }
        int half = rows / 2;
        ForkJoinTask<?> other = ForkJoinPool.commonPool().submit(() -> pass.run(half, rows));
        pass.run(0, half);
        other.join();
    }

    private interface RowRange {
        void run(int from, int to);
    }

    // A plain loop over arrays so that C2 vectorises it.
    private static void addScaled(int[] sum, byte[] rows, int offset, int weight) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += (rows[offset + i] & 0xff) * weight;
        }
    }

    // Pillow's clip8: the sum is at most 255.x in fixed point for a non-negative filter, but the
    // lower clamp is kept for parity with its lookup table.
    private static byte clip(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} for the bilinear filter
     * over the whole input ({@code box} 0..inSize): for output {@code i}, {@code count[i]} weights
     * starting at input {@code start[i]}, stored at {@code weights[i * size]}.
     */
    record Taps(int[] start, int[] count, int[] weights, int size) {
        static Taps of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;                     // the bilinear filter's support is 1
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * size];
            double[] k = new double[size];
            double inverse = 1.0 / filterScale;
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize) - min;
                double total = 0.0;
                for (int x = 0; x < max; x++) {
                    double w = triangle((x + min - center + 0.5) * inverse);
                    k[x] = w;
                    total += w;
                }
                for (int x = 0; x < max; x++) {
                    double w = total != 0.0 ? k[x] / total : k[x];
                    weights[i * size + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                start[i] = min;
                count[i] = Math.max(max, 0);
            }
            return new Taps(start, count, weights, size);
        }

        /** {@return the first input row or column any output uses} */
        int first() {
            return start[0];
        }

        /** {@return one past the last input row or column any output uses} */
        int last() {
            return start[start.length - 1] + count[count.length - 1];
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }
}
